from neighbourhood import create_app

app = create_app()
