fn main() -> std::process::ExitCode {
    // First, before any thread starts: an interrupt then removes this run's staging folders.
    m365_runbook::output::signals::install();
    m365_runbook::run(std::env::args_os())
}
