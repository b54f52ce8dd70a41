//! `pantau user …` and `pantau kiosk …`.

use std::io::BufRead;

use chrono::Utc;

use super::{DbArgs, KioskCommand, UserCommand};
use crate::auth::store::{self, AuthError};
use crate::auth::{Password, Username, parse_roles, roles_text};
use crate::config::FileConfig;
use crate::db::Db;

impl DbArgs {
    /// Opens the database the server would use, with its migrations applied.
    pub(super) async fn open(self) -> Result<Db, String> {
        let file = FileConfig::load(self.config.as_deref()).map_err(|e| e.to_string())?;
        let data_dir = self
            .data_dir
            .or(file.data_dir)
            .unwrap_or_else(|| "data".into());
        let db = Db::open(
            self.database_url.or(file.database_url).as_deref(),
            &data_dir,
        )
        .await
        .map_err(|e| e.to_string())?;
        crate::sync::store::migrate(&db)
            .await
            .map_err(|e| e.to_string())?;
        Ok(db)
    }
}

/// The password from standard input (one line), or a fresh one that is printed.
fn password(from_stdin: bool) -> Result<(Password, bool), String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let typed = line.trim_end_matches(['\r', '\n']);
        Ok((Password::parse(typed).map_err(|e| e.to_string())?, false))
    } else {
        Ok((Password::generate(), true))
    }
}

fn message(e: AuthError) -> String {
    e.to_string()
}

pub(super) async fn user(command: UserCommand) -> Result<(), String> {
    match command {
        UserCommand::Add {
            username,
            role,
            name,
            agency,
            password_stdin,
            db,
        } => {
            let username = Username::parse(&username).map_err(|e| e.to_string())?;
            let roles = parse_roles(&role).map_err(|e| e.to_string())?;
            let agency = agency
                .as_deref()
                .map(|a| {
                    pantau_core::domain::request::AgencyName::parse(
                        pantau_core::domain::Field::Agency,
                        a,
                    )
                    .map_err(|e| e.to_string())
                })
                .transpose()?;
            let (password, generated) = password(password_stdin)?;
            let db = db.open().await?;
            let user = store::add_user(&db, &username, &name, &password, &roles, false, Utc::now())
                .await
                .map_err(message)?;
            if let Some(agency) = &agency {
                store::set_agency(&db, &username, Some(agency))
                    .await
                    .map_err(message)?;
                println!("agency: {agency}");
            }
            println!(
                "added {} ({}) with roles {}",
                user.username,
                user.display_name,
                roles_text(&user.roles)
            );
            if generated {
                println!("password: {}", password.reveal());
            }
        }
        UserCommand::Passwd {
            username,
            password_stdin,
            db,
        } => {
            let username = Username::parse(&username).map_err(|e| e.to_string())?;
            let (password, generated) = password(password_stdin)?;
            let db = db.open().await?;
            store::set_password(&db, &username, &password)
                .await
                .map_err(message)?;
            println!("new password set for {username}; their sessions have ended");
            if generated {
                println!("password: {}", password.reveal());
            }
        }
        UserCommand::Disable { username, db } => {
            let username = Username::parse(&username).map_err(|e| e.to_string())?;
            let db = db.open().await?;
            store::disable_user(&db, &username).await.map_err(message)?;
            println!("{username} is disabled; their sessions have ended");
        }
        UserCommand::List { db } => {
            let db = db.open().await?;
            for user in store::list_users(&db).await.map_err(message)? {
                let mut marks = vec![];
                if user.disabled {
                    marks.push("disabled");
                }
                if user.demo_password {
                    marks.push("DEMO PASSWORD");
                }
                println!(
                    "{:<24} {:<28} {} {}",
                    user.username,
                    user.display_name,
                    roles_text(&user.roles),
                    marks.join(" ")
                );
            }
        }
    }
    Ok(())
}

pub(super) async fn kiosk(command: KioskCommand) -> Result<(), String> {
    match command {
        KioskCommand::Create { name, db } => {
            let db = db.open().await?;
            let token = store::create_kiosk(&db, &name, Utc::now())
                .await
                .map_err(message)?;
            println!("kiosk {name}: open /wall?token={token} on the wall screen (shown once)");
        }
        KioskCommand::Revoke { name, db } => {
            let db = db.open().await?;
            store::revoke_kiosk(&db, &name, Utc::now())
                .await
                .map_err(message)?;
            println!("kiosk {name} revoked");
        }
        KioskCommand::List { db } => {
            let db = db.open().await?;
            for kiosk in store::list_kiosks(&db).await.map_err(message)? {
                let state = if kiosk.revoked { "revoked" } else { "active" };
                println!(
                    "{:<24} {} {state}",
                    kiosk.name,
                    kiosk.created_at.format("%Y-%m-%d %H:%M UTC")
                );
            }
        }
    }
    Ok(())
}
