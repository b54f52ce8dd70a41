//! The queue of this browser's changes, sent to the server in order.

use std::cell::Cell;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::account::to_login;
use super::http::{error_message, is_kiosk, sleep};
use serde::de::IgnoredAny;

use crate::api::sync::{PushAnswer, PushBody, PushResult};
use crate::domain::MutationId;
use crate::ui::screen::{NoticeKind, Screen};

thread_local! {
    /// Whether the push loop runs (one per tab).
    static PUSHING: Cell<bool> = const { Cell::new(false) };
}

/// Starts pushing the queue, unless this tab already is.
pub fn kick(screen: Screen) {
    if is_kiosk() || PUSHING.with(|p| p.replace(true)) {
        return;
    }
    spawn_local(async move {
        push_queue(screen).await;
        PUSHING.with(|p| p.set(false));
    });
}

/// The most mutations one push carries (the server takes up to 200).
const BATCH: usize = 50;

/// Sends the queue in order until it is empty; waits and tries again while the server is away.
///
/// One mutation never holds back the rest:
/// - away (no network, 503 "database unavailable", 408, 429): wait and send again, as long as it takes;
/// - a batch refused whole (a 4xx): send one at a time, so only the bad mutation is dropped, with
///   the server's words;
/// - a batch failing with 500 three times: send one at a time; a mutation that alone fails three
///   times is set aside (it stays queued, shown as waiting, and is tried again on the next start)
///   and the person is told, while the rest goes on.
async fn push_queue(screen: Screen) {
    let mut single = false;
    let mut failures = 0u32;
    let mut stuck: std::collections::HashSet<MutationId> = Default::default();
    loop {
        let batch = PushBody {
            mutations: screen.pending.with_untracked(|p| {
                p.iter()
                    .filter(|p| p.accepted.is_none() && !stuck.contains(&p.envelope.id))
                    .take(if single { 1 } else { BATCH })
                    .map(|p| p.envelope.clone())
                    .collect()
            }),
        };
        if batch.mutations.is_empty() {
            return;
        }
        let sent = gloo_net::http::Request::post("/api/sync/push")
            .json(&batch)
            .expect("mutations serialize")
            .send()
            .await;
        let res = match sent {
            Ok(res) => res,
            Err(_) => {
                sleep(std::time::Duration::from_secs(3)).await;
                continue;
            }
        };
        match res.status() {
            200 => failures = 0,
            401 => return to_login(),
            503 | 408 | 429 => {
                sleep(std::time::Duration::from_secs(3)).await;
                continue;
            }
            status if status >= 500 => {
                failures += 1;
                if failures < 3 {
                    sleep(std::time::Duration::from_secs(3)).await;
                } else if batch.mutations.len() > 1 {
                    single = true;
                    failures = 0;
                } else {
                    failures = 0;
                    stuck.insert(batch.mutations[0].id);
                    screen.notify(
                        format!(
                            "server tidak dapat menyimpan satu perubahan (HTTP {status}); perubahan lain \
                             tetap dikirim, yang ini tetap menunggu dan dicoba lagi saat halaman dibuka kembali"
                        ),
                        format!(
                            "the server cannot store one change (HTTP {status}); the others go on, this one \
                             stays waiting and is tried again when the page is next opened"
                        ),
                        NoticeKind::Held,
                    );
                }
                continue;
            }
            _ if batch.mutations.len() > 1 => {
                // Refused whole: find the one it was about.
                single = true;
                continue;
            }
            _ => {
                // The server refused this mutation (a bug or a stale page): say so, drop it.
                let why = error_message(res).await;
                screen.notify(why.id, why.en, NoticeKind::Refused);
                let id = batch.mutations[0].id;
                screen.pending.update(|p| p.retain(|x| x.envelope.id != id));
                screen.settle(true);
                continue;
            }
        }
        let Ok(answer) = res.json::<PushAnswer<IgnoredAny>>().await else {
            sleep(std::time::Duration::from_secs(3)).await;
            continue;
        };
        screen.pending.update(|pending| {
            for result in &answer.results {
                match result {
                    PushResult::Accepted { id, seq } => {
                        if let Some(p) = pending.iter_mut().find(|p| p.envelope.id.0 == *id) {
                            p.accepted = Some(*seq);
                        }
                    }
                    PushResult::Refused { id, .. } => {
                        pending.retain(|p| p.envelope.id.0 != *id);
                    }
                }
            }
        });
        for result in answer.results {
            if let PushResult::Refused { message, .. } = result {
                screen.notify(message.id, message.en, NoticeKind::Refused);
            }
        }
        screen.settle(true);
    }
}
