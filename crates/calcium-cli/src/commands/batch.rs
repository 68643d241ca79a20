//! `calcium batch list|show`: the batches with their schedules and last execution.

use calcium_core::schedule::ScheduleFields;
use calcium_core::{BatchCode, ExecutionStatus, Schedule, ServicesConfigured, WallTime, WeekdaySet};
use calcium_scheduler::TimeSource;
use calcium_store::{ExecutionRow, LaunchRequest, Store};
use calcium_web::json::{BatchView, ExecutionView};
use jiff::Timestamp;

use crate::args::{BatchCommand, BatchSetArgs};
use crate::commands::print_json;
use crate::config::Settings;
use crate::failure::Failure;

pub(crate) async fn run(store: &Store, settings: &Settings, command: BatchCommand) -> Result<(), Failure> {
    let now = store.database_now().await?;
    match command {
        BatchCommand::Set(args) => set(store, settings, args, now).await,
        BatchCommand::Run { code, wait, json } => launch(store, settings, &parse_code(&code)?, wait, json).await,
        BatchCommand::History { code, limit, json } => {
            let code = parse_code(&code)?;
            let rows = store.execution_history(code, limit, 0).await?;
            let views: Vec<_> = rows.iter().map(|e| execution_view(e, settings, now)).collect();
            if json {
                print_json(&views)
            } else {
                for view in &views {
                    println!(
                        "{:>6}  {}  [{}]{}",
                        view.id,
                        view.text,
                        view.trigger,
                        view.message.as_deref().map(|m| format!("  {m}")).unwrap_or_default()
                    );
                }
                Ok(())
            }
        }
        BatchCommand::Next { code, from, count, json } => {
            let code = parse_code(&code)?;
            let batch = store.get_batch(code).await?;
            let tz = &settings.time_zone;
            let after = match from {
                None => now,
                Some(text) => {
                    let wall: jiff::civil::DateTime = text.parse().map_err(|_| {
                        Failure::refused(format!("--from : « {text} » n'est pas une heure locale AAAA-MM-JJTHH:MM"))
                    })?;
                    wall.to_zoned_datetime(tz.clone())
                        .map_err(|e| Failure::refused(format!("--from : {e}")))?
                        .timestamp()
                }
            };
            let occurrences: Vec<String> =
                batch.schedule.occurrences_after(after, tz, count).into_iter().map(|t| rfc3339(t, settings)).collect();
            if json {
                print_json(&serde_json::json!({"code": code.as_str(), "occurrences": occurrences}))
            } else {
                if occurrences.is_empty() {
                    eprintln!("{code} : {} — aucune exécution prévue.", batch.schedule.summary());
                }
                if !batch.enabled {
                    eprintln!(
                        "Attention : {code} est hors service, il ne s'exécutera pas tant qu'il n'est pas remis en service."
                    );
                }
                occurrences.iter().for_each(|o| println!("{o}"));
                Ok(())
            }
        }
        BatchCommand::Cancel { code } => {
            let code = parse_code(&code)?;
            if store.request_cancel(code).await? {
                eprintln!(
                    "Annulation demandée : {code} s'arrêtera à sa prochaine étape sûre, sans rien laisser à moitié fait."
                );
                Ok(())
            } else {
                Err(Failure::refused(format!("{code} n'est pas en cours d'exécution : rien à annuler")))
            }
        }
        BatchCommand::List { json } => {
            let views = batch_views(store, settings, now).await?;
            if json {
                print_json(&views)
            } else {
                print_table(&views);
                Ok(())
            }
        }
        BatchCommand::Show { code, json } => {
            let code = parse_code(&code)?;
            let view = batch_views(store, settings, now)
                .await?
                .into_iter()
                .find(|view| view.code == code.as_str())
                .ok_or_else(|| Failure::Internal(anyhow::anyhow!("batch {code} absent de la base")))?;
            if json {
                print_json(&view)
            } else {
                print_details(&view);
                Ok(())
            }
        }
    }
}

fn parse_code(text: &str) -> Result<BatchCode, Failure> {
    BatchCode::parse(text).map_err(|e| Failure::refused(e.to_string()))
}

/// `none` (or nothing) empties a field; otherwise a number in range.
fn optional_number<T: std::str::FromStr>(text: &str, flag: &str) -> Result<Option<T>, Failure> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| Failure::refused(format!("{flag} : « {text} » n'est pas un nombre (ou none)")))
}

async fn set(store: &Store, settings: &Settings, args: BatchSetArgs, now: Timestamp) -> Result<(), Failure> {
    let code = parse_code(&args.code)?;
    let batch = store.get_batch(code).await?;
    let current = batch.schedule.fields();
    let refused = |e: calcium_core::ScheduleError| Failure::refused(e.to_string());
    let fields = ScheduleFields {
        time: match &args.time {
            Some(text) => WallTime::parse(text).map_err(refused)?,
            None => current.time,
        },
        day_of_month: match &args.day_of_month {
            Some(text) => optional_number(text, "--day-of-month")?,
            None => current.day_of_month,
        },
        month: match &args.month {
            Some(text) => optional_number(text, "--month")?,
            None => current.month,
        },
        year: match &args.year {
            Some(text) => optional_number(text, "--year")?,
            None => current.year,
        },
        weekdays: match &args.weekdays {
            Some(text) => WeekdaySet::parse_list(text).map_err(refused)?,
            None => current.weekdays,
        },
    };
    let schedule = Schedule::new(fields).map_err(refused)?;
    schedule.check_fires_after(now, &settings.time_zone).map_err(refused)?;
    if args.enable {
        let configured = ServicesConfigured { mesvaccins_url: settings.mesvaccins.url.is_some() };
        code.check_can_enable(configured).map_err(|refusal| Failure::refused(refusal.to_string()))?;
    }
    let time_limit = match &args.time_limit {
        Some(text) => {
            let seconds: Option<i32> = optional_number(text, "--time-limit")?;
            if seconds.is_some_and(|s| s <= 0) {
                return Err(Failure::refused("--time-limit : une durée strictement positive est attendue (ou none)"));
            }
            Some(seconds)
        }
        None => None,
    };
    if schedule != batch.schedule {
        store.update_batch_schedule(code, &schedule, now).await?;
    }
    if let Some(seconds) = time_limit {
        store.set_batch_time_limit(code, seconds, now).await?;
    }
    if args.enable || args.disable {
        store.set_batch_enabled(code, args.enable, now).await?;
    }
    let batch = store.get_batch(code).await?;
    let next = batch.enabled.then(|| batch.schedule.next_after(now, &settings.time_zone)).flatten();
    eprintln!(
        "{code} : {} — {} — prochaine exécution : {}{}",
        batch.schedule.summary(),
        if batch.enabled { "en service" } else { "hors service" },
        next.map_or_else(|| "aucune".to_owned(), |t| rfc3339(t, settings)),
        batch.time_limit_seconds.map(|s| format!(" — durée maximale : {s} s")).unwrap_or_default()
    );
    Ok(())
}

/// `batch run`: raises the flag; runs the batch here when no instance serves the base.
async fn launch(store: &Store, settings: &Settings, code: &BatchCode, wait: bool, json: bool) -> Result<(), Failure> {
    let code = *code;
    let user = std::env::var("USER").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| "ligne de commande".to_owned());
    let now = store.database_now().await?;
    let lease = super::engine::lease(settings);
    match store.request_launch(code, &user, now).await? {
        LaunchRequest::Accepted => {}
        LaunchRequest::Disabled => {
            return Err(Failure::refused(format!("{code} n'est pas en service : il ne peut pas être lancé")));
        }
        LaunchRequest::AlreadyRequested => {
            eprintln!("{code} : un lancement immédiat est déjà demandé, rien de plus n'est fait.");
        }
        LaunchRequest::AlreadyRunning => eprintln!("{code} est déjà en cours d'exécution, rien de plus n'est fait."),
    }
    let before = store.execution_history(code, 1, 0).await?.first().map(|e| e.id);
    if store.live_instances(now, lease).await?.is_empty() {
        eprintln!("Aucune instance « calcium serve » active : {code} s'exécute ici.");
        let scheduler = super::engine::scheduler(settings, store, TimeSource::Database);
        let claimed = scheduler.run_launch_here(code).await;
        scheduler.shutdown().await?;
        claimed?;
    } else if !wait {
        eprintln!("Lancement immédiat de {code} demandé : une instance le démarre dans les 2 secondes.");
        return Ok(());
    } else {
        eprintln!("Lancement immédiat de {code} demandé ; attente de la fin…");
        while store.get_batch(code).await?.launch_now || store.running_execution(code).await?.is_some() {
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
    }
    let latest = store.execution_history(code, 1, 0).await?.into_iter().next();
    let Some(execution) = latest.filter(|e| Some(e.id) != before || before.is_none()) else {
        return Ok(());
    };
    let now = store.database_now().await?;
    let view = execution_view(&execution, settings, now);
    if json {
        print_json(&view)?;
    } else {
        eprintln!("{code} : {}", view.text);
    }
    if execution.status == ExecutionStatus::Finish {
        Ok(())
    } else {
        Err(Failure::Failed(format!(
            "{code} s'est terminé en {} : {}",
            execution.status,
            execution.message.as_deref().unwrap_or("sans message")
        )))
    }
}

fn execution_view(e: &ExecutionRow, settings: &Settings, now: Timestamp) -> ExecutionView {
    ExecutionView::new(e, &settings.time_zone, now)
}

fn rfc3339(t: Timestamp, settings: &Settings) -> String {
    calcium_web::json::rfc3339(t, &settings.time_zone)
}

async fn batch_views(store: &Store, settings: &Settings, now: Timestamp) -> Result<Vec<BatchView>, Failure> {
    let batches = store.list_batches().await?;
    let last = store.last_ran_executions().await?;
    Ok(batches
        .into_iter()
        .map(|batch| {
            let last = last.iter().find(|e| e.batch == batch.code);
            BatchView::new(batch, last, &settings.time_zone, now)
        })
        .collect())
}

fn check(flag: bool) -> &'static str {
    if flag { "✓" } else { "✗" }
}

fn print_table(views: &[BatchView]) {
    println!(
        "{:<14} {:<48} {:<10} {:<10} {:<46} Dernière exécution",
        "Code", "Libellé", "En service", "Immédiat", "Programmation"
    );
    for v in views {
        println!(
            "{:<14} {:<48} {:<10} {:<10} {:<46} {}",
            v.code,
            v.label,
            check(v.enabled),
            check(v.launch_now),
            v.summary,
            v.last_execution.as_ref().map_or("", |e| e.text.as_str())
        );
    }
}

fn print_details(v: &BatchView) {
    println!("Code               : {}", v.code);
    println!("Libellé            : {}", v.label);
    println!("En service         : {}", check(v.enabled));
    println!("Lancement immédiat : {}", check(v.launch_now));
    println!("Programmation      : {}", v.summary);
    println!("Prochaine exécution: {}", v.next_run.as_deref().unwrap_or("aucune"));
    println!("Dernière exécution : {}", v.last_execution.as_ref().map_or("aucune", |e| e.text.as_str()));
}
