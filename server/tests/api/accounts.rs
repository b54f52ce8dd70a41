//! Accounts, sessions, throttling and kiosk tokens, on a real SQLite file and the real PostgreSQL.

use crate::helpers::TestServer;
use chrono::{Duration, Utc};
use pantau::auth::store::{
    self, AuthError, IDLE_TIMEOUT, MAX_FAILURES_PER_ACCOUNT, THROTTLE_WINDOW,
};
use pantau::auth::{Password, Username};
use pantau_core::domain::Role;

on_both_backends!(
    a_right_password_opens_a_new_session_each_time,
    a_wrong_password_and_an_unknown_user_get_the_same_answer,
    failed_logins_are_throttled_per_account_and_the_throttle_lifts,
    failed_logins_are_throttled_per_client_address,
    a_disabled_account_or_a_new_password_ends_the_sessions,
    an_idle_session_ends,
    a_revoked_kiosk_token_stops_working,
    demo_users_have_one_per_role_and_are_flagged_until_their_password_changes,
);

async fn add(server: &TestServer, name: &str, roles: &[Role]) -> Password {
    let password = Password::parse("kata-sandi-rahasia").unwrap();
    let username = Username::parse(name).unwrap();
    store::add_user(
        &server.state.db,
        &username,
        "",
        &password,
        roles,
        false,
        Utc::now(),
    )
    .await
    .unwrap();
    password
}

async fn a_right_password_opens_a_new_session_each_time(server: TestServer) {
    let db = &server.state.db;
    add(&server, "budi", &[Role::Tu, Role::Admin]).await;
    let now = Utc::now();
    let (user, first) = store::login(
        db,
        "Budi",
        "kata-sandi-rahasia",
        "10.0.0.1".parse().unwrap(),
        now,
    )
    .await
    .unwrap();
    assert_eq!(user.roles, [Role::Tu, Role::Admin]);
    let (_, second) = store::login(
        db,
        "budi",
        "kata-sandi-rahasia",
        "10.0.0.1".parse().unwrap(),
        now,
    )
    .await
    .unwrap();
    assert_ne!(first, second, "every login gets a fresh session id");
    assert_eq!(
        store::session_user(db, &first, now)
            .await
            .unwrap()
            .unwrap()
            .username,
        "budi"
    );
    store::logout(db, &first).await.unwrap();
    assert_eq!(store::session_user(db, &first, now).await.unwrap(), None);
    assert!(
        store::session_user(db, &second, now)
            .await
            .unwrap()
            .is_some()
    );
    // The database holds no session id, only hashes.
    let stored: Vec<String> = sqlx::query_scalar("SELECT id_hash FROM sessions")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert!(!stored.contains(&second));
}

async fn a_wrong_password_and_an_unknown_user_get_the_same_answer(server: TestServer) {
    let db = &server.state.db;
    add(&server, "budi", &[Role::Tu]).await;
    let wrong = store::login(
        db,
        "budi",
        "salah-salah-salah",
        "10.0.0.1".parse().unwrap(),
        Utc::now(),
    )
    .await
    .unwrap_err();
    let unknown = store::login(
        db,
        "siapa",
        "salah-salah-salah",
        "10.0.0.1".parse().unwrap(),
        Utc::now(),
    )
    .await
    .unwrap_err();
    assert_eq!(wrong.to_string(), unknown.to_string());
    assert!(matches!(wrong, AuthError::BadCredentials));
}

async fn failed_logins_are_throttled_per_account_and_the_throttle_lifts(server: TestServer) {
    let db = &server.state.db;
    add(&server, "budi", &[Role::Tu]).await;
    let start = Utc::now();
    for i in 0..MAX_FAILURES_PER_ACCOUNT {
        // From different addresses: the account itself is protected.
        let err = store::login(
            db,
            "budi",
            "salah-salah-salah",
            format!("10.0.1.{i}").parse().unwrap(),
            start,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, AuthError::BadCredentials));
    }
    let err = store::login(
        db,
        "budi",
        "kata-sandi-rahasia",
        "10.0.2.1".parse().unwrap(),
        start,
    )
    .await
    .unwrap_err();
    let AuthError::Throttled { minutes } = err else {
        panic!("{err}")
    };
    assert_eq!(minutes, 15);
    assert!(err.to_string().contains("coba lagi dalam 15 menit"));
    // An unknown account is throttled the same way: nothing tells whether it exists.
    for _ in 0..MAX_FAILURES_PER_ACCOUNT {
        let _ = store::login(
            db,
            "siapa",
            "salah-salah-salah",
            "10.0.3.1".parse().unwrap(),
            start,
        )
        .await;
    }
    let unknown = store::login(
        db,
        "siapa",
        "salah-salah-salah",
        "10.0.4.1".parse().unwrap(),
        start,
    )
    .await
    .unwrap_err();
    assert!(matches!(unknown, AuthError::Throttled { .. }));
    // When the window has passed, the right password works again.
    let later = start + THROTTLE_WINDOW + Duration::seconds(1);
    assert!(
        store::login(
            db,
            "budi",
            "kata-sandi-rahasia",
            "10.0.2.1".parse().unwrap(),
            later
        )
        .await
        .is_ok()
    );
}

async fn failed_logins_are_throttled_per_client_address(server: TestServer) {
    let db = &server.state.db;
    add(&server, "budi", &[Role::Tu]).await;
    let now = Utc::now();
    for i in 0..store::MAX_FAILURES_PER_ADDRESS {
        let _ = store::login(
            db,
            &format!("orang{i}"),
            "salah-salah-salah",
            "10.9.9.9".parse().unwrap(),
            now,
        )
        .await;
    }
    let err = store::login(
        db,
        "budi",
        "kata-sandi-rahasia",
        "10.9.9.9".parse().unwrap(),
        now,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AuthError::Throttled { .. }));
    assert!(
        store::login(
            db,
            "budi",
            "kata-sandi-rahasia",
            "10.9.9.10".parse().unwrap(),
            now
        )
        .await
        .is_ok(),
        "another address is fine"
    );
}

async fn a_disabled_account_or_a_new_password_ends_the_sessions(server: TestServer) {
    let db = &server.state.db;
    add(&server, "budi", &[Role::Tu]).await;
    add(&server, "siti", &[Role::SubkorIle]).await;
    let now = Utc::now();
    let (_, budi) = store::login(
        db,
        "budi",
        "kata-sandi-rahasia",
        "10.0.0.1".parse().unwrap(),
        now,
    )
    .await
    .unwrap();
    let (_, siti) = store::login(
        db,
        "siti",
        "kata-sandi-rahasia",
        "10.0.0.1".parse().unwrap(),
        now,
    )
    .await
    .unwrap();
    store::disable_user(db, &Username::parse("budi").unwrap())
        .await
        .unwrap();
    assert_eq!(store::session_user(db, &budi, now).await.unwrap(), None);
    assert!(
        store::login(
            db,
            "budi",
            "kata-sandi-rahasia",
            "10.0.0.1".parse().unwrap(),
            now
        )
        .await
        .is_err()
    );
    let new = Password::parse("kata-sandi-baru-siti").unwrap();
    store::set_password(db, &Username::parse("siti").unwrap(), &new)
        .await
        .unwrap();
    assert_eq!(store::session_user(db, &siti, now).await.unwrap(), None);
    assert!(
        store::login(
            db,
            "siti",
            "kata-sandi-baru-siti",
            "10.0.0.1".parse().unwrap(),
            now
        )
        .await
        .is_ok()
    );
}

async fn an_idle_session_ends(server: TestServer) {
    let db = &server.state.db;
    add(&server, "budi", &[Role::Tu]).await;
    let now = Utc::now();
    let (_, token) = store::login(
        db,
        "budi",
        "kata-sandi-rahasia",
        "10.0.0.1".parse().unwrap(),
        now,
    )
    .await
    .unwrap();
    let active = now + IDLE_TIMEOUT - Duration::minutes(5);
    assert!(
        store::session_user(db, &token, active)
            .await
            .unwrap()
            .is_some(),
        "use refreshes the idle clock"
    );
    assert!(
        store::session_user(db, &token, active + IDLE_TIMEOUT - Duration::minutes(1))
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store::session_user(db, &token, active + IDLE_TIMEOUT * 2 + Duration::minutes(1))
            .await
            .unwrap(),
        None
    );
}

async fn a_revoked_kiosk_token_stops_working(server: TestServer) {
    let db = &server.state.db;
    let token = store::create_kiosk(db, "tv-tcm-1", Utc::now())
        .await
        .unwrap();
    assert_eq!(
        store::kiosk_of(db, &token).await.unwrap().as_deref(),
        Some("tv-tcm-1")
    );
    assert!(matches!(
        store::create_kiosk(db, "tv-tcm-1", Utc::now()).await,
        Err(AuthError::KioskExists(_))
    ));
    store::revoke_kiosk(db, "tv-tcm-1", Utc::now())
        .await
        .unwrap();
    assert_eq!(store::kiosk_of(db, &token).await.unwrap(), None);
    assert!(store::list_kiosks(db).await.unwrap()[0].revoked);
    assert_eq!(store::kiosk_of(db, "made-up").await.unwrap(), None);
}

async fn demo_users_have_one_per_role_and_are_flagged_until_their_password_changes(
    server: TestServer,
) {
    let db = &server.state.db;
    let users = store::seed_demo_users(db, Utc::now()).await.unwrap();
    assert_eq!(users.len(), Role::ALL.len());
    assert!(
        store::seed_demo_users(db, Utc::now())
            .await
            .unwrap()
            .is_empty(),
        "only those not there yet"
    );
    let (name, role, password) = &users[1];
    assert_eq!((name.as_str(), *role), ("demo.tu", Role::Tu));
    assert!(
        store::login(
            db,
            name,
            password.reveal(),
            "10.0.0.1".parse().unwrap(),
            Utc::now()
        )
        .await
        .is_ok()
    );
    assert_eq!(
        store::demo_passwords_left(db).await.unwrap().len(),
        Role::ALL.len()
    );
    let fresh = Password::parse("kata-sandi-sungguhan").unwrap();
    store::set_password(db, &Username::parse(name).unwrap(), &fresh)
        .await
        .unwrap();
    assert!(!store::demo_passwords_left(db).await.unwrap().contains(name));
}
