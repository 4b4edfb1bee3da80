//! CJK radicals printed for the ideographs they stand for.
//!
//! A font that draws 人 and the radical ⼈ with one glyph gives a PDF writer
//! two code points to name that glyph with, and Chromium (Skia) often picks
//! the radical: 人民政府 comes out of its ToUnicode maps as ⼈⺠政府. Here
//! the Kangxi radicals (U+2F00–U+2FD5) become their Unicode compatibility
//! equivalents (NFKC), and the simplified and whole-character forms of the
//! CJK Radicals Supplement (U+2E80–U+2EF3) the unified ideographs Unicode
//! lists as their equivalents (EquivalentUnifiedIdeograph.txt).

/// NFKC of U+2F00 + i.
const KANGXI: &str = "一丨丶丿乙亅二亠人儿入八冂冖冫几凵刀力勹匕匚匸十卜卩厂厶又口囗土士夂夊夕大女子宀寸小尢尸屮山巛工己巾干幺广廴廾弋弓彐彡彳心戈戶手支攴文斗斤方无日曰月木欠止歹殳毋比毛氏气水火爪父爻爿片牙牛犬玄玉瓜瓦甘生用田疋疒癶白皮皿目矛矢石示禸禾穴立竹米糸缶网羊羽老而耒耳聿肉臣自至臼舌舛舟艮色艸虍虫血行衣襾見角言谷豆豕豸貝赤走足身車辛辰辵邑酉釆里金長門阜隶隹雨靑非面革韋韭音頁風飛食首香馬骨高髟鬥鬯鬲鬼魚鳥鹵鹿麥麻黃黍黑黹黽鼎鼓鼠鼻齊齒龍龜龠";

/// (radical, ideograph) of the CJK Radicals Supplement, sorted.
const SUPPLEMENT: &[(char, char)] = &[
    ('\u{2E81}', '\u{5382}'), // ⺁ 厂
    ('\u{2E95}', '\u{5F50}'), // ⺕ 彐
    ('\u{2E9C}', '\u{65E5}'), // ⺜ 日
    ('\u{2E9D}', '\u{6708}'), // ⺝ 月
    ('\u{2E9F}', '\u{6BCD}'), // ⺟ 母
    ('\u{2EA0}', '\u{6C11}'), // ⺠ 民
    ('\u{2EA4}', '\u{722B}'), // ⺤ 爫
    ('\u{2EA6}', '\u{4E2C}'), // ⺦ 丬
    ('\u{2EA9}', '\u{738B}'), // ⺩ 王
    ('\u{2EAB}', '\u{7F52}'), // ⺫ 罒
    ('\u{2EAE}', '\u{7AF9}'), // ⺮ 竹
    ('\u{2EB3}', '\u{7F51}'), // ⺳ 网
    ('\u{2EB6}', '\u{7F8A}'), // ⺶ 羊
    ('\u{2EB9}', '\u{8002}'), // ⺹ 耂
    ('\u{2EBC}', '\u{8089}'), // ⺼ 肉
    ('\u{2EBE}', '\u{8279}'), // ⺾ 艹
    ('\u{2EC1}', '\u{864E}'), // ⻁ 虎
    ('\u{2EC2}', '\u{8864}'), // ⻂ 衤
    ('\u{2EC4}', '\u{897F}'), // ⻄ 西
    ('\u{2EC5}', '\u{89C1}'), // ⻅ 见
    ('\u{2EC6}', '\u{89D2}'), // ⻆ 角
    ('\u{2EC8}', '\u{8BA0}'), // ⻈ 讠
    ('\u{2EC9}', '\u{8D1D}'), // ⻉ 贝
    ('\u{2ECB}', '\u{8F66}'), // ⻋ 车
    ('\u{2ECF}', '\u{961D}'), // ⻏ 阝
    ('\u{2ED0}', '\u{9485}'), // ⻐ 钅
    ('\u{2ED3}', '\u{957F}'), // ⻓ 长
    ('\u{2ED4}', '\u{95E8}'), // ⻔ 门
    ('\u{2ED6}', '\u{961D}'), // ⻖ 阝
    ('\u{2ED7}', '\u{96E8}'), // ⻗ 雨
    ('\u{2ED8}', '\u{9752}'), // ⻘ 青
    ('\u{2ED9}', '\u{97E6}'), // ⻙ 韦
    ('\u{2EDA}', '\u{9875}'), // ⻚ 页
    ('\u{2EDB}', '\u{98CE}'), // ⻛ 风
    ('\u{2EDC}', '\u{98DE}'), // ⻜ 飞
    ('\u{2EDD}', '\u{98DF}'), // ⻝ 食
    ('\u{2EE0}', '\u{9963}'), // ⻠ 饣
    ('\u{2EE2}', '\u{9A6C}'), // ⻢ 马
    ('\u{2EE3}', '\u{9AA8}'), // ⻣ 骨
    ('\u{2EE4}', '\u{9B3C}'), // ⻤ 鬼
    ('\u{2EE5}', '\u{9C7C}'), // ⻥ 鱼
    ('\u{2EE6}', '\u{9E1F}'), // ⻦ 鸟
    ('\u{2EE7}', '\u{5364}'), // ⻧ 卤
    ('\u{2EE8}', '\u{9EA6}'), // ⻨ 麦
    ('\u{2EE9}', '\u{9EC4}'), // ⻩ 黄
    ('\u{2EEA}', '\u{9EFE}'), // ⻪ 黾
    ('\u{2EEB}', '\u{6589}'), // ⻫ 斉
    ('\u{2EEC}', '\u{9F50}'), // ⻬ 齐
    ('\u{2EED}', '\u{6B6F}'), // ⻭ 歯
    ('\u{2EEE}', '\u{9F7F}'), // ⻮ 齿
    ('\u{2EEF}', '\u{7ADC}'), // ⻯ 竜
    ('\u{2EF0}', '\u{9F99}'), // ⻰ 龙
    ('\u{2EF2}', '\u{4E80}'), // ⻲ 亀
    ('\u{2EF3}', '\u{9F9F}'), // ⻳ 龟
];

/// The ideograph a radical stands for, or the character itself.
pub(crate) fn ideograph(c: char) -> char {
    match c {
        '\u{2F00}'..='\u{2FD5}' => KANGXI.chars().nth(c as usize - 0x2F00).unwrap_or(c),
        '\u{2E80}'..='\u{2EF3}' => SUPPLEMENT
            .binary_search_by_key(&c, |&(r, _)| r)
            .map_or(c, |i| SUPPLEMENT[i].1),
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radicals_read_as_their_ideographs() {
        let text: String = "⼈⺠政府⾸⻚第⼆⼗条".chars().map(ideograph).collect();
        assert_eq!(text, "人民政府首页第二十条");
        assert_eq!(ideograph('人'), '人');
        assert_eq!(ideograph('\u{2E9A}'), '\u{2E9A}');
        assert_eq!(KANGXI.chars().count(), 0x2FD6 - 0x2F00);
        assert!(SUPPLEMENT.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
