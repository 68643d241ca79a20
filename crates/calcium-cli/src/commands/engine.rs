//! The batch engine as the commands build it from the configuration.

use calcium_scheduler::{JobSettings, MesVaccinsSettings, Registry, Scheduler, SchedulerConfig, TimeSource};
use calcium_store::Store;
use jiff::SignedDuration;

use calcium_mail::{MailSettings, Security};

use crate::config::{Settings, SmtpTls};

pub(crate) fn job_settings(settings: &Settings) -> JobSettings {
    JobSettings {
        time_zone: settings.time_zone.clone(),
        lease: lease(settings),
        executions_days: settings.executions_days,
        keep_last: settings.keep_last,
        import_logs_days: settings.import_logs_days,
        relances_days: settings.relances_days,
        scan_days: settings.scan_days,
        rappel_days: settings.rappel_days,
        import_dir: settings.import_dir.clone(),
        import_file: settings.import_file.clone(),
        import_log_dir: settings.import_log_dir.clone(),
        import_model: settings.import_model.clone(),
        import_report_to: settings.import_report_to.as_ref().map(|email| email.as_str().to_owned()),
        output_dir: settings.output_dir.clone(),
        mail: mail_settings(settings),
        mesvaccins: MesVaccinsSettings {
            url: settings.mesvaccins.url.clone(),
            token: settings.mesvaccins.token.as_ref().map(|token| token.expose().to_owned()),
            timeout: std::time::Duration::from_secs(u64::from(settings.mesvaccins.timeout_seconds)),
        },
        relance_templates_dir: settings.relance_templates_dir.clone(),
        listing_encoding: settings.listing_encoding,
    }
}

/// The SMTP relay of the configuration, if `smtp.host` is set.
pub(crate) fn mail_settings(settings: &Settings) -> Option<MailSettings> {
    let smtp = settings.smtp.as_ref()?;
    Some(MailSettings {
        host: smtp.host.clone(),
        port: smtp.port,
        from: smtp.from.as_str().to_owned(),
        username: smtp.username.clone(),
        password: smtp.password.as_ref().map(|secret| secret.expose().to_owned()),
        security: match smtp.tls {
            SmtpTls::None => Security::None,
            SmtpTls::StartTls => Security::StartTls,
            SmtpTls::Tls => Security::Tls,
        },
        timeout: std::time::Duration::from_secs(30),
    })
}

pub(crate) fn lease(settings: &Settings) -> SignedDuration {
    SignedDuration::from_secs(i64::from(settings.lease_seconds))
}

pub(crate) fn scheduler_config(settings: &Settings) -> SchedulerConfig {
    SchedulerConfig::for_this_process(
        settings.time_zone.clone(),
        SignedDuration::from_mins(i64::from(settings.grace_minutes)),
        lease(settings),
    )
}

pub(crate) fn scheduler(settings: &Settings, store: &Store, time: TimeSource) -> Scheduler {
    scheduler_with(settings, store, time, scheduler_config(settings))
}

pub(crate) fn scheduler_with(
    settings: &Settings,
    store: &Store,
    time: TimeSource,
    config: SchedulerConfig,
) -> Scheduler {
    Scheduler::new(store.clone(), calcium_jobs::registry(), job_settings(settings), config, time)
}

/// An engine of this process that runs `registry`'s jobs (a manual import, say).
pub(crate) fn scheduler_with_registry(settings: &Settings, store: &Store, registry: Registry) -> Scheduler {
    Scheduler::new(store.clone(), registry, job_settings(settings), scheduler_config(settings), TimeSource::Database)
}
