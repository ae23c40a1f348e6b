"""Streamlit pieces shared by the pages: the frame, captions, tiles, figure factories, export."""
