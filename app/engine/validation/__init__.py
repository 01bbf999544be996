"""The checks of a bundle (documents, forms, structure, tasks, specs, translate), run inside
`app.engine.definitions.parse_bundle`, so deploying checks exactly what validating checks.

Validating without deploying (the messages `iop validate`, the API and the upload page show) is
app/engine/validate.py; it sits beside this package, not in it, because it calls
`parse_bundle`, whose module imports the checks here.
"""
