"""Pure renderers: the model in, Markdown pages, SVG images and JSON out.

Nothing here imports MkDocs: the plugin hands these strings to MkDocs as generated files, and
any other generator can publish them as they are."""
