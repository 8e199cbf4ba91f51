"""Project settings: Kedro defaults, with the OmegaConf loader reading conf/base and conf/local."""

CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
}
