fn main() -> std::process::ExitCode {
    m365_runbook::run(std::env::args_os())
}
