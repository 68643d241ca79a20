//! `calcium serve`: the web server, the batch engine, and the imports asked for on the page.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use calcium_store::Store;
use calcium_web::{AppState, EngineProbe, WebOptions};

use calcium_scheduler::{Cancellation, TimeSource};

use crate::args::TestClockArgs;
use crate::config::Settings;
use crate::failure::Failure;

/// How many students `serve --demo` puts in an empty base.
const DEMO_STUDENTS: u32 = 5000;

pub(crate) async fn run(
    settings: &Settings,
    store: &Store,
    listen: Option<SocketAddr>,
    demo: bool,
    test_clock: TestClockArgs,
) -> Result<(), Failure> {
    if demo {
        if store.count_students().await? == 0 {
            super::demo::seed(store, DEMO_STUDENTS, 1, settings).await?;
        } else {
            tracing::info!("base déjà remplie : pas de données de démonstration ajoutées");
        }
    }
    if let Some(password) = calcium_web::auth::ensure_admin_account(store, jiff::Timestamp::now()).await? {
        // Printed once, on the console of whoever started the first instance: there is no
        // default password to forget to change.
        eprintln!(
            "Compte administrateur créé : identifiant « admin », mot de passe « {password} » (affiché une seule fois)."
        );
    }
    let address = listen.unwrap_or(settings.listen);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| Failure::refused(format!("server.listen : écoute impossible sur {address} : {e}")))?;
    let time = match (test_clock.time_scale, test_clock.time_origin, test_clock.virtual_origin) {
        (Some(scale), Some(real_origin), Some(virtual_origin)) => {
            tracing::warn!("horloge de test accélérée ×{scale} : à n'utiliser que pour les tests");
            TimeSource::Scaled { real_origin, virtual_origin, scale }
        }
        _ => TimeSource::Database,
    };
    let mut scheduler_config = super::engine::scheduler_config(settings);
    if let Some(delay) = test_clock.test_run_delay_ms {
        scheduler_config.run_delay = std::time::Duration::from_millis(delay);
    }
    let scheduler = super::engine::scheduler_with(settings, store, time, scheduler_config);
    let options = WebOptions {
        secure_cookies: settings.secure_cookies,
        time_zone: settings.time_zone.clone(),
        upload_dir: settings.import_log_dir.join("uploads"),
        upload_limit_bytes: usize::try_from(settings.upload_limit_mb).unwrap_or(usize::MAX).saturating_mul(1024 * 1024),
        mesvaccins_configured: settings.mesvaccins.url.is_some(),
        rappel_days: settings.rappel_days,
        engine: Some(EngineProbe {
            instance_id: scheduler.instance_id().to_owned(),
            lease: super::engine::lease(settings),
        }),
    };
    let launcher = super::web_import::ServeImportLauncher::new(settings.clone(), store.clone());
    let state = AppState::new(store.clone(), options).with_import_launcher(Arc::new(launcher));
    let stop = Cancellation::default();
    let signals = {
        let stop = stop.clone();
        tokio::spawn(async move {
            shutdown_signal().await;
            stop.cancel("signal d'arrêt");
        })
    };
    let engine = {
        let stop = stop.clone();
        let scheduler = scheduler.clone();
        tokio::spawn(async move { scheduler.run(stop.cancelled()).await })
    };
    tracing::info!(
        instance = scheduler.instance_id(),
        "Calcium écoute sur http://{}",
        listener.local_addr().context("adresse d'écoute")?
    );
    let served =
        axum::serve(listener, calcium_web::router(state)).with_graceful_shutdown(stop.clone().cancelled_owned()).await;
    // Whatever stopped the web server stops the engine too, and the other way round.
    stop.cancel("arrêt du serveur");
    signals.abort();
    let engine_result = engine.await.context("planificateur")?;
    served.context("serveur web")?;
    engine_result.context("arrêt du planificateur")?;
    tracing::info!("arrêt demandé : instance arrêtée");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
