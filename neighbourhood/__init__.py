"""邻里 Neighbourhood."""
from flask import Flask

from neighbourhood.config import PROJECT_ROOT


def create_app(config: object | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object(config or "neighbourhood.config.Config")

    from neighbourhood.web.setup import init_app

    init_app(app)
    return app
