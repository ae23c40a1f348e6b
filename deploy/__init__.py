"""The deployment an operator uses: nginx in front of Streamlit replicas (`python -m deploy`).

config.py renders nginx.conf.template (headers, CSP, limits, TLS, sticky upstream);
launcher.py starts the replicas and nginx and stops them on Ctrl-C or SIGTERM.
"""
