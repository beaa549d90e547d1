"""/api: the reference page renders the OpenAPI descriptions' Markdown as HTML."""


def test_api_reference_renders_markdown_as_html(client):
    html = client.get("/api").get_data(as_text=True)
    main = html[html.index("<main"):]
    assert "`" not in main  # no raw Markdown backticks left on the page
    assert "<code>" in main and "Bearer cm_" in main
