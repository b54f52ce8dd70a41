//! The short forms Singkawang's staff use for the agencies that write to them ("Dishub" for Dinas
//! Perhubungan), for a screen read from across the room: a known name is shortened whole, never
//! cut in the middle of a word. An unknown name is kept as it is, without the city's name.

/// Known agencies: the start of the name as letters arrive with it, and the usual short form.
const SHORT_FORMS: [(&str, &str); 24] = [
    ("Dinas Perhubungan", "Dishub"),
    ("Dinas Komunikasi dan Informatika", "Diskominfo"),
    ("Dinas Kominfo", "Diskominfo"),
    ("Dinas Pariwisata", "Dispar"),
    ("Dinas Kesehatan", "Dinkes"),
    ("Dinas Pendidikan", "Disdik"),
    ("Dinas Sosial", "Dinsos"),
    ("Dinas Lingkungan Hidup", "DLH"),
    ("Dinas Pekerjaan Umum", "Dinas PUPR"),
    ("Dinas Perumahan", "Disperkim"),
    ("Dinas Kependudukan", "Disdukcapil"),
    ("Dinas Pemadam Kebakaran", "Damkar"),
    ("Dinas Perdagangan", "Disperindag"),
    ("Dinas Pemuda dan Olahraga", "Dispora"),
    ("Satuan Polisi Pamong Praja", "Satpol PP"),
    ("Badan Penanggulangan Bencana Daerah", "BPBD"),
    ("Badan Kesatuan Bangsa dan Politik", "Kesbangpol"),
    ("Badan Perencanaan Pembangunan Daerah", "Bappeda"),
    ("Forum Lalu Lintas", "Forum LLAJ"),
    ("Kepolisian Resor", "Polres"),
    ("Komando Distrik Militer", "Kodim"),
    ("Rumah Sakit Umum Daerah", "RSUD"),
    ("Sekretariat Daerah", "Setda"),
    ("Kecamatan", "Kec."),
];

/// The city's name, left out of a short form (every agency here is the city's).
const CITY: [&str; 3] = [" Kota Singkawang", " Singkawang", " Kota"];

/// The agency's short form: "Dinas Perhubungan" → "Dishub", "BPBD Kota Singkawang" → "BPBD",
/// "Kecamatan Singkawang Barat" → "Kec. Singkawang Barat". Matching ignores case.
pub fn short_form(name: &str) -> String {
    let name = name.trim();
    for (long, short) in SHORT_FORMS {
        if name.len() >= long.len()
            && name.is_char_boundary(long.len())
            && name[..long.len()].eq_ignore_ascii_case(long)
        {
            let rest = name[long.len()..].trim();
            // "Kecamatan Singkawang Barat" keeps the district's name; others drop the city's.
            return if short == "Kec." {
                format!("{short} {rest}").trim().to_owned()
            } else {
                short.to_owned()
            };
        }
    }
    let mut shortened = name;
    for city in CITY {
        if let Some(stripped) = shortened.strip_suffix(city)
            && !stripped.trim().is_empty()
        {
            shortened = stripped.trim_end();
            break;
        }
    }
    shortened.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_agencies_take_their_usual_short_form_and_the_city_is_left_out() {
        assert_eq!(short_form("Dinas Perhubungan"), "Dishub");
        assert_eq!(short_form("dinas perhubungan kota singkawang"), "Dishub");
        assert_eq!(short_form("BPBD Kota Singkawang"), "BPBD");
        assert_eq!(
            short_form("Forum Lalu Lintas Kota Singkawang"),
            "Forum LLAJ"
        );
        assert_eq!(
            short_form("Kecamatan Singkawang Barat"),
            "Kec. Singkawang Barat"
        );
        assert_eq!(short_form("Polres Singkawang"), "Polres");
        assert_eq!(short_form("Satpol PP"), "Satpol PP");
    }

    #[test]
    fn an_unknown_name_is_kept_whole() {
        assert_eq!(
            short_form("Yayasan Budaya Tionghoa"),
            "Yayasan Budaya Tionghoa"
        );
        assert_eq!(short_form("Singkawang"), "Singkawang");
        assert_eq!(short_form("  Kota  "), "Kota");
        // No panic on a name with multi-byte letters where a known name would end.
        assert_eq!(short_form("Dinas Perhubunganñ"), "Dishub");
        assert_eq!(short_form("Dinas Perhubunga€"), "Dinas Perhubunga€");
    }
}
