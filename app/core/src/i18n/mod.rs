//! Two languages, checked by the compiler: every user-visible string is a [`Text`] holding both.
//! Bahasa Indonesia is the default; English is chosen by a toggle.

use serde::{Deserialize, Serialize};

/// The cookie that carries the chosen language to the pages the server renders whole (the
/// tracking and print pages), set by their `?lang=` links and by the app's switch.
pub const LANG_COOKIE: &str = "pantau_lang";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "id")]
    Id,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// The BCP 47 tag, for `<html lang>` and storage.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        match tag {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }
}

/// One string in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text {
    pub id: &'static str,
    pub en: &'static str,
}

impl Text {
    pub const fn new(id: &'static str, en: &'static str) -> Text {
        Text { id, en }
    }

    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Id => self.id,
            Lang::En => self.en,
        }
    }
}

/// A message in both languages as the server sends it (a refusal, an error answer): the screen
/// shows the person's language only.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Both {
    pub id: String,
    pub en: String,
}

impl Both {
    pub fn new(id: impl Into<String>, en: impl Into<String>) -> Both {
        Both {
            id: id.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.id,
            Lang::En => &self.en,
        }
    }

    /// A message written "Indonesian / English", the server's one-line form, split in two; a
    /// message with no " / " is the same in both (a name, a number).
    pub fn split(text: &str) -> Both {
        match text.split_once(" / ") {
            Some((id, en)) => Both::new(id, en),
            None => Both::new(text, text),
        }
    }
}

impl From<Text> for Both {
    fn from(text: Text) -> Both {
        Both::new(text.id, text.en)
    }
}

/// Strings of the page chrome. Domain strings (step names, roles) live with the domain.
pub mod ui {
    use super::Text;

    pub const APP_TAGLINE: Text = Text::new(
        "Layanan CCTV Monitoring — TCM Room Diskominfo Kota Singkawang",
        "CCTV Monitoring service — TCM Room, Diskominfo Kota Singkawang",
    );
    pub const BOARD_TITLE: Text = Text::new("Papan permohonan", "Request board");
    pub const STEP: Text = Text::new("Langkah", "Step");
    pub const PERFORMER: Text = Text::new("Pelaksana", "Performer");
    pub const INPUTS: Text = Text::new("Kelengkapan", "Required inputs");
    pub const OUTPUT: Text = Text::new("Output", "Output");
    pub const STANDARD_TIME: Text = Text::new("Waktu baku", "Standard time");
    pub const MINUTES_SHORT: Text = Text::new("mnt", "min");
    pub const NO_CARDS: Text = Text::new("Belum ada permohonan", "No requests yet");
    pub const SWITCH_LANGUAGE: Text = Text::new(
        "Ganti bahasa ke English",
        "Switch language to Bahasa Indonesia",
    );
    pub const NOT_FOUND: Text = Text::new("Halaman tidak ditemukan", "Page not found");
    pub const BACK_TO_BOARD: Text = Text::new("Kembali ke papan", "Back to the board");
    pub const NAV_BOARD: Text = Text::new("Papan", "Board");
    pub const NAV_CAMERAS: Text = Text::new("Kamera", "Cameras");
    pub const NAV_REPORTS: Text = Text::new("Laporan", "Reports");
    pub const NAV_SETTINGS: Text = Text::new("Pengaturan", "Settings");
    pub const FOR_YOU: Text = Text::new("Untuk Anda", "For you");
    pub const OPEN_CARD: Text = Text::new("Buka kartu", "Open the card");
    pub const CARD_NOT_FOUND: Text = Text::new(
        "Tidak ada kartu di alamat ini: tautannya salah atau terpotong.",
        "There is no card at this address: the link is wrong or cut short.",
    );
    pub const CARD_OTHER_AGENCY: Text = Text::new(
        "Surat ini milik instansi lain. Akun pemohon hanya melihat surat instansinya sendiri.",
        "This letter belongs to another agency. An applicant's account sees only its own agency's letters.",
    );
    pub const CARD_NOT_CHECKED: Text = Text::new(
        "Kartu ini tidak ada di papan Anda, dan server tidak dapat ditanya sekarang.",
        "This card is not on your board, and the server cannot be asked right now.",
    );
    pub const CARD: Text = Text::new("kartu", "card");
    pub const CARDS: Text = Text::new("kartu", "cards");
    pub const WAITING_FOR: Text = Text::new("Menunggu", "Waiting for");
    pub const STARTS_IN: Text = Text::new("Mulai dalam", "Starts in");
    pub const FINISHED: Text = Text::new("Permohonan yang berakhir", "Finished requests");
    pub const LOADING: Text = Text::new("Memuat…", "Loading…");
    pub const LIVE: Text = Text::new("Tersinkron", "Live");
    pub const RECONNECTING_SINCE: Text = Text::new("Menyambung ulang sejak", "Reconnecting since");
    pub const OFFLINE_DATA_FROM: Text = Text::new("Offline · data dari", "Offline · data from");
    pub const WALL_ROOM: Text =
        Text::new("Ruang TCM · CCTV Monitoring", "TCM Room · CCTV Monitoring");
    pub const STALE_DATA_FROM: Text = Text::new(
        "Data tidak terbaru: data dari",
        "Data not current: data from",
    );
    pub const AGO: Text = Text::new("lalu", "ago");
    pub const NONE_LATE: Text = Text::new("Tidak ada yang terlambat", "Nothing breached");
    pub const SOUND: Text = Text::new("Suara", "Sound");
    pub const ON: Text = Text::new("nyala", "on");
    pub const OFF: Text = Text::new("mati", "off");
    pub const LOAD_FAILED: Text = Text::new("Gagal memuat", "Could not load");
    pub const SEARCH: Text = Text::new("Cari", "Search");
    pub const SEARCH_HINT: Text = Text::new(
        "Nomor surat, instansi, perihal, kamera, narahubung",
        "Letter number, agency, subject, camera, contact",
    );
    pub const AGENCY: Text = Text::new("Instansi", "Agency");
    pub const ALL_AGENCIES: Text = Text::new("Semua instansi", "All agencies");
    pub const ONLY_LATE: Text =
        Text::new("Hanya peringatan & terlambat", "Only warning & breached");
    pub const NEW_REQUEST: Text = Text::new("Permohonan baru", "New request");
    pub const REGISTER: Text = Text::new("Catat permohonan", "Register the request");
    pub const REQUEST_REGISTERED: Text = Text::new("Permohonan dicatat", "Request registered");
    pub const ONE_PER_LINE: Text = Text::new("Satu per baris", "One per line");
    pub const DOCUMENTS_HINT: Text = Text::new(
        "Satu per baris: judul | tautan atau nomor arsip",
        "One per line: title | link or archive number",
    );
    pub const SHOW: Text = Text::new("Tampilkan", "Show");
    pub const MORE: Text = Text::new("lainnya", "more");
    pub const MY_TURN: Text = Text::new("Giliran saya", "My turn");
    pub const CLEAR_FILTER: Text = Text::new("Hapus saringan", "Clear filters");
    pub const FILTER_ACTIVE: Text = Text::new("Saringan aktif", "Filters on");
    pub const CLOSE: Text = Text::new("Tutup", "Close");
    pub const THE_LETTER: Text = Text::new("Surat permohonan", "The request letter");
    pub const WINDOW: Text =
        Text::new("Waktu monitoring yang diminta", "Requested monitoring time");
    pub const TIME_PER_STEP: Text = Text::new("Waktu di tiap langkah", "Time in each step");
    pub const TIME_SPENT: Text = Text::new("Waktu terpakai", "Time spent");
    pub const HISTORY: Text = Text::new("Riwayat", "History");
    pub const DEVICE: Text = Text::new("perangkat", "device");
    pub const OVERRIDE: Text = Text::new(
        "Dikerjakan admin atas nama pelaksana, alasan",
        "Done by an admin for the performer, reason",
    );
    pub const FLOW_TOTAL: Text =
        Text::new("Total waktu baku alur", "Total standard time of the flow");
    pub const SIGN_IN: Text = Text::new("Masuk", "Sign in");
    pub const SIGN_IN_TITLE: Text = Text::new("Masuk ke Pantau", "Sign in to Pantau");
    pub const SIGN_OUT: Text = Text::new("Keluar", "Sign out");
    pub const USERNAME: Text = Text::new("Nama pengguna", "User name");
    pub const PASSWORD: Text = Text::new("Kata sandi", "Password");
    pub const SIGNING_IN: Text = Text::new("Memeriksa…", "Checking…");
    pub const LOGIN_WRONG: Text = Text::new(
        "Nama pengguna atau kata sandi salah",
        "Wrong user name or password",
    );
    pub const LOGIN_THROTTLED: Text = Text::new(
        "Terlalu banyak percobaan masuk yang gagal; coba lagi dalam 15 menit",
        "Too many failed logins; try again in 15 minutes",
    );
    pub const LOGIN_FAILED: Text = Text::new(
        "Tidak dapat masuk saat ini; coba lagi sebentar lagi",
        "Cannot sign in right now; try again shortly",
    );
    pub const DEMO: Text = Text::new("DEMO", "DEMO");
    pub const DEMO_HINT: Text = Text::new(
        "Akun demo dengan kata sandi demo: jangan dipakai untuk data sungguhan",
        "A demo account with a demo password: not for real data",
    );
    pub const ROLES: Text = Text::new("Peran", "Roles");
    pub const MOVE: Text = Text::new("Pindahkan", "Move");
    pub const DO_STEP: Text = Text::new("Kerjakan langkah", "Do step");
    pub const STEPS: Text = Text::new("Langkah", "Steps");
    pub const MENU: Text = Text::new("Menu", "Menu");
    pub const NAV_MY_WORK: Text = Text::new("Tugas saya", "My work");
    pub const MOVE_CARD: Text = Text::new("Pindahkan kartu", "Move the card");
    pub const MOVE_TO: Text = Text::new("Pindahkan ke", "Move to");
    pub const CANNOT_MOVE: Text = Text::new("Tidak dapat dipindahkan", "Cannot be moved");
    pub const NO_MOVES: Text = Text::new("Permohonan ini sudah berakhir", "This request has ended");
    pub const CANCEL: Text = Text::new("Batal", "Cancel");
    pub const SAVE_MOVE: Text = Text::new("Simpan & pindahkan", "Save & move");
    pub const AS_ROLE: Text = Text::new("sebagai", "as");
    pub const OVERRIDE_REASON: Text = Text::new(
        "Alasan Admin mengerjakan langkah ini (tercatat di riwayat)",
        "Why an Admin does this step (kept in the history)",
    );
    pub const MOVED: Text = Text::new("Dipindahkan", "Moved");
    pub const REFUSED: Text = Text::new(
        "Ditolak server, dibatalkan",
        "Refused by the server, undone",
    );
    pub const HELD: Text = Text::new("Tertahan", "Held back");
    pub const PENDING: Text = Text::new("menunggu", "pending");
    pub const SYNCED: Text = Text::new("tersinkron", "synced");
    pub const DISMISS: Text = Text::new("Tutup pesan", "Dismiss");
    pub const ADDRESSEE: Text = Text::new("Kepada", "To");
    pub const INSTRUCTION: Text = Text::new("Instruksi", "Instruction");
    pub const NOTE: Text = Text::new("Catatan (boleh kosong)", "Note (optional)");
    pub const AGENDA_NUMBER: Text =
        Text::new("Nomor agenda (boleh kosong)", "Agenda number (optional)");
    pub const DECISION: Text = Text::new("Keputusan", "Decision");
    pub const YES: Text = Text::new("Ya, lanjutkan ke pengecekan", "Yes, go on to the check");
    pub const NO_RETURN: Text = Text::new(
        "Tidak, kembalikan ke pemohon",
        "No, return to the applicant",
    );
    pub const REASON: Text = Text::new("Alasan", "Reason");
    pub const NETWORK: Text = Text::new("Jaringan internet", "Internet network");
    pub const SCHEDULE_START: Text = Text::new("Mulai monitoring", "Monitoring start");
    pub const SCHEDULE_END: Text = Text::new("Selesai monitoring", "Monitoring end");
    pub const TRIAL_OK: Text = Text::new("Berhasil", "Succeeded");
    pub const TRIAL_FAILED: Text = Text::new(
        "Gagal (jadwalkan ulang atau nyatakan gagal)",
        "Failed (reschedule or mark failed)",
    );
    pub const TRIAL: Text = Text::new("Hasil uji coba CCTV", "CCTV trial result");
    pub const CHOOSE: Text = Text::new("— pilih —", "— choose —");
    pub const REQUIRED: Text = Text::new("wajib", "required");
    pub const FOR_STEP_5: Text = Text::new("perlu untuk langkah 5", "needed for step 5");
    pub const MISSING_FOR_STEP_5: Text = Text::new(
        "Belum lengkap untuk langkah 5 (boleh dicatat sekarang, dilengkapi sebelum diperiksa Subkor ILE):",
        "Not complete for step 5 (it may be registered now and completed before Subkor ILE's review):",
    );
    pub const SUGGESTION: Text = Text::new("Pakai saran", "Use the suggestion");
    pub const CAMERAS_FOUND: Text = Text::new("Kondisi kamera", "Cameras' state");
    pub const USE_LIVE: Text = Text::new(
        "Isi dengan status langsung Pantau",
        "Fill in Pantau's live status",
    );
    pub const FAULTS_CONFIRM: Text = Text::new(
        "Ada perangkat mati: kartu tiba di langkah 6 bertanda, Subkor ILE memutuskan (jadwal ulang setelah perbaikan, atau gagal)",
        "A device is down: the card reaches step 6 marked, and Subkor ILE decides (reschedule after repair, or fail)",
    );
    pub const OVER_STANDARD_HINT: Text = Text::new(
        "Jadwal ini melebihi standar langkah 7 (120 menit): tulis alasannya",
        "This window exceeds step 7's standard (120 minutes): say why",
    );
    pub const FAULT_BADGE: Text = Text::new("Perangkat mati", "Device down");
    pub const NETWORK_DOWN: Text = Text::new("jaringan", "network");
    pub const DECIDE_FAULT: Text = Text::new(
        "Subkor ILE memutuskan: jadwal ulang setelah perbaikan, atau gagal",
        "Subkor ILE decides: reschedule after repair, or fail",
    );
    pub const OVER_STANDARD: Text = Text::new(
        "melebihi standar 120 menit",
        "exceeds the 120-minute standard",
    );
    pub const SUMMARY: Text = Text::new("Ringkasan hasil monitoring", "Summary of the monitoring");
    pub const SUBMITTED: Text = Text::new(
        "Surat permohonan sudah dikirim melalui Srikandi",
        "The request letter was sent through Srikandi",
    );
    pub const DROP_HERE: Text = Text::new("Lepas di sini", "Drop here");
    pub const CANNOT_DROP: Text =
        Text::new("Tidak dapat dipindahkan ke sini", "Cannot be moved here");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_round_trip() {
        for lang in [Lang::Id, Lang::En] {
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
        }
        assert_eq!(Lang::from_tag("fr"), None);
    }

    #[test]
    fn a_server_message_splits_into_its_two_languages() {
        let both = Both::split("nama pengguna atau kata sandi salah / wrong user name or password");
        assert_eq!(both.get(Lang::Id), "nama pengguna atau kata sandi salah");
        assert_eq!(both.get(Lang::En), "wrong user name or password");
        assert_eq!(Both::split("HTTP 502").get(Lang::En), "HTTP 502");
    }

    #[test]
    fn indonesian_is_the_default_language() {
        assert_eq!(Lang::default(), Lang::Id);
        assert_eq!(ui::BOARD_TITLE.get(Lang::default()), "Papan permohonan");
    }
}

pub mod events;
pub mod format;
pub mod notify;
