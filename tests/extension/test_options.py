"""The options page in a real Chromium, saving through the real sidecar's API: sources by name and by OPML,
the radar rules, and the model and schedule settings."""

from __future__ import annotations

from pathlib import Path

from browser_harness import OPTIONS, ExtensionBrowser, LibraryDir, sidecar_api
from playwright.async_api import Page, expect


async def options_page(extension: ExtensionBrowser) -> Page:
    page = await extension.open(OPTIONS)
    await expect(page.locator("#sidecar-state")).to_contain_text("Connected to the sidecar")
    await expect(page.locator("#followed li").first).to_be_visible()
    return page


async def followed_keys(library: LibraryDir) -> list[str]:
    return [s["key"] for s in (await sidecar_api(library.path, "GET", "/sources"))["sources"]]


async def test_a_source_is_added_by_name_and_removed(
    extension: ExtensionBrowser, library: LibraryDir
) -> None:
    page = await options_page(extension)
    assert await page.locator("#followed li").count() == len(await followed_keys(library))
    await page.get_by_label("Add a source").fill("cs.RO")
    await page.get_by_role("button", name="Add", exact=True).click()
    await expect(page.locator("#sources-message")).to_have_text("Now following arXiv (cs.RO).")
    await expect(page.locator("#followed li[data-key='arxiv:cs.RO']")).to_have_count(1)
    assert "arxiv:cs.RO" in await followed_keys(library)

    await page.get_by_role("button", name="Stop following arXiv (cs.RO)").click()
    await expect(page.locator("#followed li[data-key='arxiv:cs.RO']")).to_have_count(0)
    assert "arxiv:cs.RO" not in await followed_keys(library)
    await page.close()


async def test_an_unknown_source_is_refused_with_the_reason(extension: ExtensionBrowser) -> None:
    page = await options_page(extension)
    await page.get_by_label("Add a source").fill("Journal of Nothing At All")
    await page.get_by_role("button", name="Add", exact=True).click()
    await expect(page.locator("#sources-message")).to_contain_text(
        "Not saved: no source 'Journal of Nothing At All'"
    )
    await expect(page.locator("#sources-message")).to_have_class("message error")
    await page.close()


async def test_sources_export_and_import_as_opml(
    extension: ExtensionBrowser, library: LibraryDir, tmp_path: Path
) -> None:
    page = await options_page(extension)
    async with page.expect_download() as download:
        await page.get_by_role("button", name="Export OPML").click()
    exported = Path(await (await download.value).path()).read_text()
    assert exported.count("<outline") >= len(await followed_keys(library))
    assert "rss.arxiv.org/rss/quant-ph" in exported

    opml = tmp_path / "more.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>more</title></head><body>'
        '<outline text="arXiv q-bio.NC" type="rss" xmlUrl="https://rss.arxiv.org/rss/q-bio.NC"/>'
        '<outline text="arXiv quant-ph" type="rss" xmlUrl="https://rss.arxiv.org/rss/quant-ph"/>'
        "</body></opml>"
    )
    await page.locator("#opml-file").set_input_files(opml)
    await expect(page.locator("#sources-message")).to_have_text(
        "OPML imported: 1 added, 1 already followed, 0 skipped."
    )
    assert "arxiv:q-bio.NC" in await followed_keys(library)
    await page.get_by_role("button", name="Stop following arXiv (q-bio.NC)").click()
    await expect(page.locator("#followed li[data-key='arxiv:q-bio.NC']")).to_have_count(0)
    await page.close()


async def test_radar_rules_are_added_edited_and_removed(
    extension: ExtensionBrowser, library: LibraryDir, radar_rules: list[dict]
) -> None:
    page = await options_page(extension)
    await expect(page.locator("#rules li")).to_have_count(len(radar_rules))
    form = page.locator("#rule-form")
    await form.get_by_label("Name", exact=True).fill("quantum codes")
    await form.get_by_label("Terms", exact=True).fill('quantum error correction\n"surface code"\ndecod*')
    await form.get_by_label("Excluded terms").fill("survey")
    await form.get_by_label("Categories").fill("quant-ph, cs.IT")
    await form.get_by_role("button", name="Save").click()
    await expect(page.locator("#radar-message")).to_have_text("Rule quantum codes saved.")
    rules = {r["name"]: r for r in (await sidecar_api(library.path, "GET", "/radar/rules"))["rules"]}
    assert rules["quantum codes"]["terms"][0] == "quantum error correction"
    assert rules["quantum codes"]["categories"] == ["quant-ph", "cs.IT"]
    assert rules["quantum codes"]["exclude"] == ["survey"]

    await page.get_by_role("button", name="Edit the rule quantum codes").click()
    await expect(page.locator("#rule-legend")).to_have_text("Edit rule quantum codes")
    await form.get_by_label("Weight").fill("2.5")
    await form.get_by_role("button", name="Save").click()
    # The message still reads "saved" from the first save, so wait for the rule list to show the new weight.
    await expect(page.locator("#rules li", has_text="quantum codes")).to_contain_text("2.5")
    rules = {r["name"]: r for r in (await sidecar_api(library.path, "GET", "/radar/rules"))["rules"]}
    assert rules["quantum codes"]["weight"] == 2.5

    await page.get_by_role("button", name="Remove the rule quantum codes").click()
    await expect(page.locator("#radar-message")).to_have_text("Rule quantum codes removed.")
    await expect(page.locator("#rules li")).to_have_count(len(radar_rules))
    await page.close()


async def test_a_rule_without_terms_or_authors_is_refused_with_the_reason(
    extension: ExtensionBrowser, radar_rules: list[dict]
) -> None:
    page = await options_page(extension)
    form = page.locator("#rule-form")
    await form.get_by_label("Name", exact=True).fill("only a category")
    await form.get_by_label("Categories").fill("cs.LG")
    await form.get_by_role("button", name="Save").click()
    await expect(page.locator("#radar-message")).to_contain_text("a rule needs terms or authors")
    await page.close()


async def restore_settings(library: LibraryDir, before: dict) -> None:
    """Puts back the settings a test changed, so later tests see the same model settings as before."""
    # The suite's model path names no file, and a missing file cannot be chosen: let it exist for the
    # moment it is chosen again.
    original = Path(before["model"]["path"]) if before["model"]["path"] else None
    if original and not original.exists():
        original.write_bytes(b"")
        try:
            await sidecar_api(library.path, "PATCH", "/settings", before)
        finally:
            original.unlink()
    else:
        await sidecar_api(library.path, "PATCH", "/settings", before)


async def test_model_and_schedule_settings_are_saved_through_the_sidecar(
    extension: ExtensionBrowser, library: LibraryDir, tmp_path: Path
) -> None:
    before = await sidecar_api(library.path, "GET", "/settings")
    page = await options_page(extension)
    model, schedule = page.locator("#model-form"), page.locator("#schedule-form")
    await expect(model.locator("input[name=threads]")).to_be_enabled()
    # A file that exists but is no model: the briefing then falls back at once, as with the suite's own.
    other = tmp_path / "other.gguf"
    other.write_bytes(b"not a model")
    await model.locator("input[name=path]").fill(str(other))
    await model.locator("input[name=threads]").fill("1")
    await model.get_by_role("button", name="Save").click()
    await expect(page.locator("#model-message")).to_have_text("Saved.")
    await schedule.locator("input[name=journal_interval_hours]").fill("12")
    await schedule.get_by_role("button", name="Save").click()
    await expect(page.locator("#schedule-message")).to_have_text("Saved.")
    try:
        after = await sidecar_api(library.path, "GET", "/settings")
        assert after["model"]["path"] == str(other)
        assert after["model"]["threads"] == 1
        assert after["refresh"]["journal_interval_hours"] == 12
        assert after["refresh"]["scheduled"] == before["refresh"]["scheduled"]
    finally:
        await restore_settings(library, before)
        await page.close()


async def test_the_models_found_are_offered_and_the_one_picked_is_saved(
    extension: ExtensionBrowser, library: LibraryDir, tmp_path: Path
) -> None:
    page = await options_page(extension)  # starts the sidecar through the native host if none runs
    choice = page.locator("#model-choice")
    await expect(choice.locator("option").first).to_be_attached()
    before = await sidecar_api(library.path, "GET", "/settings")
    listed = (await sidecar_api(library.path, "GET", "/models"))["models"]
    await expect(choice.locator("option")).to_have_count(len(listed))
    await expect(choice.locator("option").first).to_contain_text("SmolLM2-135M-Instruct.Q4_1.gguf")
    try:
        await choice.select_option(index=0)  # the bundled model
        await expect(page.locator("#model-form input[name=path]")).to_have_value("")
        await page.locator("#model-form").get_by_role("button", name="Save").click()
        await expect(page.locator("#model-message")).to_have_text("Saved.")
        after = await sidecar_api(library.path, "GET", "/settings")
        assert (after["model"]["path"], after["model"]["endpoint"]) == ("", "")
        assert after["model"]["threads"] == before["model"]["threads"]
        await expect(choice.locator("option:checked")).to_contain_text("bundled with AcademicHub")
    finally:
        await restore_settings(library, before)
        await page.close()
