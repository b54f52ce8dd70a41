//! The login API over real HTTP: cookie flags, rotation, logout, one answer for every failure, throttling.

use crate::helpers::TestServer;
use chrono::Utc;
use pantau::auth::{Password, Username};
use pantau_core::api::ErrorAnswer;
use pantau_core::domain::Role;
use serde_json::{Value, json};

async fn server_with_budi() -> TestServer {
    let server = TestServer::sqlite().await;
    let password = Password::parse("kata-sandi-rahasia").unwrap();
    let name = Username::parse("budi").unwrap();
    pantau::auth::store::add_user(
        &server.state.db,
        &name,
        "Budi Santoso",
        &password,
        &[Role::Tu],
        false,
        Utc::now(),
    )
    .await
    .unwrap();
    server
}

async fn login(
    server: &TestServer,
    user: &str,
    password: &str,
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .post(server.url("/api/auth/login"))
        .json(&json!({ "username": user, "password": password }));
    if let Some(cookie) = cookie {
        req = req.header("Cookie", cookie);
    }
    req.send().await.unwrap()
}

/// `pantau_session=…` from a Set-Cookie header.
fn session_cookie(res: &reqwest::Response) -> String {
    let set = res.headers()["set-cookie"].to_str().unwrap();
    set.split(';').next().unwrap().to_owned()
}

async fn me(server: &TestServer, cookie: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(server.url("/api/auth/me"))
        .header("Cookie", cookie)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn login_sets_an_http_only_session_cookie_and_me_says_who_is_signed_in() {
    let server = server_with_budi().await;
    let res = login(&server, "budi", "kata-sandi-rahasia", None).await;
    assert_eq!(res.status(), 200);
    let set = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        set.starts_with("pantau_session=")
            && set.contains("HttpOnly")
            && set.contains("SameSite=Lax"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_owned();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["display_name"], "Budi Santoso");
    let who: Value = me(&server, &cookie).await.json().await.unwrap();
    assert_eq!(
        (who["username"].as_str(), who["roles"][0].as_str()),
        (Some("budi"), Some("tu"))
    );
    assert_eq!(
        reqwest::get(server.url("/api/auth/me"))
            .await
            .unwrap()
            .status(),
        401,
        "no cookie, no session"
    );
}

#[tokio::test]
async fn a_login_replaces_the_session_the_browser_held() {
    let server = server_with_budi().await;
    let first = session_cookie(&login(&server, "budi", "kata-sandi-rahasia", None).await);
    // Used once, so the server remembers it: the new login must still end it.
    assert_eq!(me(&server, &first).await.status(), 200);
    let second = session_cookie(&login(&server, "budi", "kata-sandi-rahasia", Some(&first)).await);
    assert_ne!(first, second);
    assert_eq!(
        me(&server, &first).await.status(),
        401,
        "the old id no longer works"
    );
    assert_eq!(me(&server, &second).await.status(), 200);
}

#[tokio::test]
async fn logout_ends_the_session_and_clears_the_cookie() {
    let server = server_with_budi().await;
    let cookie = session_cookie(&login(&server, "budi", "kata-sandi-rahasia", None).await);
    // Used once, so the server remembers it: the logout must still end it at once.
    assert_eq!(me(&server, &cookie).await.status(), 200);
    let res = reqwest::Client::new()
        .post(server.url("/api/auth/logout"))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(me(&server, &cookie).await.status(), 401);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_401() {
    let server = server_with_budi().await;
    let wrong = login(&server, "budi", "salah-salah-salah", None).await;
    let unknown = login(&server, "tidakada", "salah-salah-salah", None).await;
    assert_eq!(
        (wrong.status().as_u16(), unknown.status().as_u16()),
        (401, 401)
    );
    let (a, b): (ErrorAnswer, ErrorAnswer) =
        (wrong.json().await.unwrap(), unknown.json().await.unwrap());
    assert_eq!(a, b);
    assert!(a.error.message.contains("kata sandi salah"));
}

#[tokio::test]
async fn too_many_failed_logins_get_429_with_retry_after_and_no_hint() {
    let server = server_with_budi().await;
    for _ in 0..pantau::auth::store::MAX_FAILURES_PER_ACCOUNT {
        assert_eq!(
            login(&server, "budi", "salah-salah-salah", None)
                .await
                .status(),
            401
        );
    }
    let res = login(&server, "budi", "kata-sandi-rahasia", None).await;
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["retry-after"], "900");
    let body: ErrorAnswer = res.json().await.unwrap();
    assert!(body.error.message.contains("coba lagi dalam 15 menit"));
}

#[tokio::test]
async fn failed_logins_are_answered_in_both_languages_apart_for_the_screen_to_choose() {
    let server = server_with_budi().await;
    let wrong: pantau_core::api::ErrorAnswer = login(&server, "budi", "salah-salah-salah", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wrong.error.code, "unauthorized");
    assert_eq!(wrong.error.text.id, "nama pengguna atau kata sandi salah");
    assert_eq!(wrong.error.text.en, "wrong user name or password");
    for _ in 1..pantau::auth::store::MAX_FAILURES_PER_ACCOUNT {
        login(&server, "budi", "salah-salah-salah", None).await;
    }
    let locked: pantau_core::api::ErrorAnswer = login(&server, "budi", "kata-sandi-rahasia", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        locked.error.text.id.contains("coba lagi dalam 15 menit"),
        "{locked:?}"
    );
    assert!(!locked.error.text.id.contains(" / "), "{locked:?}");
    assert!(locked.error.text.en.contains("15 minutes"), "{locked:?}");
}

#[tokio::test]
async fn a_login_body_with_unknown_fields_is_refused() {
    let server = server_with_budi().await;
    let res = reqwest::Client::new()
        .post(server.url("/api/auth/login"))
        .json(&json!({ "username": "budi", "password": "kata-sandi-rahasia", "admin": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
}
