//! Prints what the PDF reader makes of a file: paragraphs, tables (cells
//! with their spans) and notes.
//!
//!     cargo run --example pdf_doc -- report.pdf

use xxgk::doc::Block;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: pdf_doc FILE.pdf");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    });
    let doc = match xxgk::read::pdf::read(&bytes) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2)
        }
    };
    for block in &doc.blocks {
        match block {
            Block::Paragraph(p) => println!("[{}] {}", p.loc, p.text),
            Block::Table(t) => {
                println!("TABLE");
                for row in &t.rows {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|c| {
                            format!(
                                "{}@{}{}{}",
                                c.text,
                                c.col,
                                if c.rowspan > 1 {
                                    format!("↓{}", c.rowspan)
                                } else {
                                    String::new()
                                },
                                if c.colspan > 1 {
                                    format!("→{}", c.colspan)
                                } else {
                                    String::new()
                                }
                            )
                        })
                        .collect();
                    println!("  | {}", cells.join(" | "));
                }
            }
        }
    }
    for n in &doc.notes {
        println!("NOTE {} [{}] {}", n.code, n.loc, n.message);
    }
}
