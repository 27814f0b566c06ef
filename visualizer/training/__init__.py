"""Training in the background, without TensorFlow at import.

- ``config``: ``TrainingConfig``. ``status``: ``TrainingStatus``, ``history_csv``.
- ``compatibility``: ``check_compatible`` (the same image shape and classes as the data).
- ``pool``: ``TrainingPool``, the process-wide limit and queue.
- ``job``: ``TrainingJob``, one training in its own thread.
- ``fit``: the Keras side of a job (compile, fit, progress callback), imported by the job's thread.
- ``sessions``: ``SessionJobs``, the jobs of one browser session, stopped when it goes away.
- ``shipped``: the models in ``pretrained/`` as finished jobs (``ShippedRun``).
- ``notebook``: ``to_notebook``, the whole run as a Jupyter notebook to take home.

Lessons and pages import the TF-free modules; TensorFlow loads when a job starts or a shipped model is
loaded. Import from the modules (``visualizer.PUBLIC`` maps every public name).
"""
