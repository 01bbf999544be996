"""IOP workflow: idea-based public partnerships from initiative to renewal.

Importing this package loads nothing: the web app is built by `app.web.factory.create_app`, the command line is
`app.cli`, the composition root `app.services`."""
