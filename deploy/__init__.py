"""The deployment an operator uses: nginx in front of Streamlit replicas (`python -m deploy`).

config.py renders nginx.conf.template (headers, CSP, limits, TLS, sticky upstream);
launcher.py starts the replicas and nginx and stops them on Ctrl-C or SIGTERM;
replica.py is one replica: `streamlit run dashboard.py` that opens the overview itself once it
answers, so that the first browser after a start finds the imports and the data version ready.
"""
