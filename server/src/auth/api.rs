//! `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`.
//!
//! The session cookie is HttpOnly and SameSite=Lax; with `secure_cookies` (HTTPS) it is also Secure and
//! named with the `__Host-` prefix, so no subdomain can set or read it.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;

pub use pantau_core::api::auth::{CreatedKiosk, KioskInfo, LoginBody, NewKiosk};

use super::guard::{Admin, Credentials, Staff};
use super::session::{SecureCookies, session_token};
use super::store::{self, AuthError, User};
use super::token_hash;
use crate::client::ClientAddr;
use crate::db::Db;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use axum::extract::FromRequest;
use pantau_core::account::{FAILED_KEY, LoginFailure, NEXT_KEY};

impl From<User> for Me {
    fn from(u: User) -> Me {
        Me {
            username: u.username,
            display_name: u.display_name,
            roles: u.roles,
            demo: u.demo_password,
        }
    }
}

pub use pantau_core::account::Me;

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> ApiError {
        match e {
            AuthError::BadCredentials => ApiError::Unauthorized(e.to_string()),
            AuthError::Throttled { minutes } => ApiError::TooManyRequests {
                message: e.to_string(),
                retry_after: minutes * 60,
            },
            AuthError::Db(e) => e.into(),
            AuthError::NoKiosk(_) | AuthError::NoUser(_) => ApiError::NotFound(e.to_string()),
            AuthError::KioskExists(_) | AuthError::UserExists(_) => {
                ApiError::Conflict(e.to_string())
            }
            other => ApiError::BadRequest(other.to_string()),
        }
    }
}

/// The login form as a browser sends it without JavaScript.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub lanjut: Option<String>,
}

/// `POST /api/auth/login`: JSON from the hydrated page (answers `Me` or an error), or a plain form
/// from a page that has not hydrated (answers 303: to the next page, or back to the login page
/// with `gagal=…`). Credentials travel only in the body, never in a URL.
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let headers = request.headers().clone();
    if !is_form {
        let ApiJson(body) = ApiJson::<LoginBody>::from_request(request, &state).await?;
        let (me, cookie) =
            sign_in(&state, &headers, client, &body.username, &body.password).await?;
        let mut response = axum::Json(me).into_response();
        response.headers_mut().insert(header::SET_COOKIE, cookie);
        return Ok(response);
    }
    let axum::Form(form) = axum::Form::<LoginForm>::from_request(request, &state)
        .await
        .map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let next = form.lanjut.as_deref().and_then(same_site_path);
    let answer = sign_in(&state, &headers, client, &form.username, &form.password).await;
    let (location, cookie) = match answer {
        Ok((_, cookie)) => (next.unwrap_or_else(|| "/".into()), Some(cookie)),
        Err(e) => {
            let failure = match e {
                ApiError::Unauthorized(_) => LoginFailure::Wrong,
                ApiError::TooManyRequests { .. } => LoginFailure::Throttled,
                other => {
                    // Logged (with its cause, for a 5xx) as any API error is.
                    let _ = other.into_response();
                    LoginFailure::Other
                }
            };
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            query.append_pair(FAILED_KEY, failure.code());
            if let Some(next) = &next {
                query.append_pair(NEXT_KEY, next);
            }
            (
                format!("{}?{}", pantau_core::account::LOGIN_PATH, query.finish()),
                None,
            )
        }
    };
    let mut response = (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            HeaderValue::from_str(&location)
                .map_err(|_| ApiError::Internal("the next page is not a header value".into()))?,
        )],
    )
        .into_response();
    if let Some(cookie) = cookie {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// `next` if it is a path of this site, parsed as a browser would against a stand-in origin and
/// kept only when the origin did not change; as path, query and fragment.
pub fn same_site_path(next: &str) -> Option<String> {
    if !pantau_core::account::plausible_next(next) {
        return None;
    }
    let base = url::Url::parse("http://pantau.invalid/").expect("a valid base");
    let url = base.join(next).ok()?;
    if url.origin() != base.origin() {
        return None;
    }
    let mut path = url.path().to_owned();
    if let Some(q) = url.query() {
        path.push('?');
        path.push_str(q);
    }
    if let Some(f) = url.fragment() {
        path.push('#');
        path.push_str(f);
    }
    Some(path)
}

/// Checks the credentials (ending whatever session the browser held), starts a session.
async fn sign_in(
    state: &AppState,
    headers: &HeaderMap,
    client: std::net::IpAddr,
    username: &str,
    password: &str,
) -> Result<(Me, HeaderValue), ApiError> {
    // A new session id at every login; whatever session the browser held ends here.
    if let Some(old) = session_token(headers, state.cookies) {
        end_session(&state.db, &state.credentials, &old).await?;
    }
    let (user, token) = store::login(&state.db, username, password, client, Utc::now()).await?;
    Ok((Me::from(user), state.cookies.cookie(&token, None)))
}

/// Ends a session in the database and in this process's memory (its streams end too).
async fn end_session(db: &Db, credentials: &Credentials, token: &str) -> Result<(), ApiError> {
    store::logout(db, token).await?;
    credentials.ended(&token_hash(token));
    Ok(())
}

pub async fn logout(
    State(db): State<Db>,
    State(cookies): State<SecureCookies>,
    State(credentials): State<Credentials>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = session_token(&headers, cookies) {
        end_session(&db, &credentials, &token).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookies.cookie("", Some(0)));
    Ok(response)
}

pub async fn me(Staff(user): Staff) -> axum::Json<Me> {
    axum::Json(Me::from(user))
}

/// `GET /api/kiosks` (Admin): every kiosk token by name; never the tokens themselves.
pub async fn kiosks(
    State(db): State<Db>,
    _admin: Admin,
) -> Result<axum::Json<Vec<KioskInfo>>, ApiError> {
    let list = store::list_kiosks(&db).await?;
    Ok(axum::Json(
        list.into_iter()
            .map(|k| KioskInfo {
                name: k.name,
                created_at: k.created_at,
                revoked: k.revoked,
            })
            .collect(),
    ))
}

/// `POST /api/kiosks` (Admin): a new read-only token for a wall screen, shown once.
pub async fn create_kiosk(
    State(db): State<Db>,
    Admin(admin): Admin,
    ApiJson(body): ApiJson<NewKiosk>,
) -> Result<(StatusCode, axum::Json<CreatedKiosk>), ApiError> {
    let token = store::create_kiosk(&db, &body.name, Utc::now()).await?;
    tracing::info!(kiosk = %body.name, by = %admin.username, "kiosk token created");
    Ok((
        StatusCode::CREATED,
        axum::Json(CreatedKiosk {
            name: body.name.trim().to_lowercase(),
            token,
        }),
    ))
}

/// `POST /api/kiosks/{name}/revoke` (Admin): the token stops working at once, open streams end.
pub async fn revoke_kiosk(
    State(db): State<Db>,
    State(credentials): State<Credentials>,
    Admin(admin): Admin,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    store::revoke_kiosk(&db, &name, Utc::now()).await?;
    credentials.changed();
    tracing::info!(kiosk = ?name, by = %admin.username, "kiosk token revoked");
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_login_only_paths_of_this_site_are_followed() {
        assert_eq!(
            same_site_path("/kamera?x=1#a").as_deref(),
            Some("/kamera?x=1#a")
        );
        assert_eq!(same_site_path("/").as_deref(), Some("/"));
        for bad in [
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "//evil.example",
            "/\\/evil.example",
            "https://evil.example/",
            "evil.example",
        ] {
            assert_eq!(same_site_path(bad), None, "{bad:?}");
        }
        // Dots cannot climb out of the site either.
        assert_eq!(same_site_path("/../../evil").as_deref(), Some("/evil"));
    }
}
