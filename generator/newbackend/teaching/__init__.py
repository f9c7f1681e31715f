"""The teacher's half of newbackend: exercises, `check`, and cohorts of student projects.

`create --exercise` blanks chosen functions of a rendered project (`_exercise`); `check` runs
a project's tests and reports them by layer (`_check`, with the pytest plugin
`_check_plugin`); `cohort create|report|sync` does the same for one project per student
(`_cohort`, `_sync`). `_cli` holds their commands. Nothing is imported here, so `--help`
loads only the command adapters.
"""
