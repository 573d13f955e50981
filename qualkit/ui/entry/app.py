"""The Streamlit script of the coding app: Streamlit executes this file as ``__main__``."""

from qualkit.ui.entry import run

if __name__ == "__main__":
    run()
