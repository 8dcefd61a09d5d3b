"""Screenshots of the web page for the README: docs/img/web.png (a written poem),
docs/img/web-check.png (王维《渭城曲》 with its 失粘 highlighted) and docs/img/web-duizhang.png
(杜甫《春望》 with its 对仗, couplet by couplet), docs/img/web-desk.png (the writing desk on 王之涣《登鹳雀楼》
typed in: two lines locked, what fits at line 3's second place) and docs/img/web-rhyme.png (the rhyme
book's 一东).

Starts ``tangshi serve`` on a free 127.0.0.1 port and drives Debian's chromium with Playwright:

    python scripts/screenshot.py [--model DIR] [--title 秋夜] [--form 七律] [--seed 7]

Needs ``pip install playwright`` and ``apt-get install chromium fonts-noto-cjk`` (the fonts matter:
without a CJK face every character is a box). Nothing is downloaded.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tangshi.server.local import serve

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
WEICHENG = "渭城朝雨浥轻尘，客舍青青柳色新。\n劝君更尽一杯酒，西出阳关无故人。"
DENGGUANQUE = ["白日依山尽", "黄河入海流", "欲穷千里目", "更上一层楼"]
CHUNWANG = "国破山河在，城春草木深。\n感时花溅泪，恨别鸟惊心。\n烽火连三月，家书抵万金。\n白头搔更短，浑欲不胜簪。"


def shoot(url: str, out: Path, title: str, form: str, seed: int, width: int) -> list[Path]:
    from playwright.sync_api import sync_playwright

    shots = [out / "web.png", out / "web-check.png", out / "web-duizhang.png", out / "web-desk.png", out / "web-rhyme.png"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900}, device_scale_factor=2)
        page.goto(url)
        page.wait_for_selector("body[data-ready=true]")
        page.click(f"#form-choices button[data-form='{form}']")
        page.fill("input[name=title]", title)
        page.locator("input[name=seed]").evaluate("(node, v) => { node.value = v; }", str(seed))  # inside 更多选项
        page.click("#write-button")
        page.wait_for_selector("#poem .line")
        page.screenshot(path=str(shots[0]), full_page=True)
        page.click("#tab-check")
        page.fill("textarea[name=text]", WEICHENG)
        page.click("#check-button")
        page.wait_for_selector("#report .ch.bad")
        page.screenshot(path=str(shots[1]), full_page=True)
        page.fill("textarea[name=text]", CHUNWANG)
        page.click("#check-button")
        page.wait_for_selector("#report .duizhang .couplet")
        page.hover("#report .couplet >> nth=2")  # the 颈联's lines marked
        page.screenshot(path=str(shots[2]), full_page=True)
        page.click("#tab-write")  # the desk, on a poem of one's own: 登鹳雀楼, then what fits at line 3's 2nd place
        page.click("#form-choices button[data-form='五言绝句']")
        page.click("#own-button")
        for k, line in enumerate(DENGGUANQUE, 1):
            page.fill(f"#poem .hand-line[data-line='{k}']", line)
        page.wait_for_function("() => document.querySelector('#poem p.verdict').textContent.endsWith('合律')")
        for k in (1, 4):
            page.click(f"#poem .line[data-line='{k}'] .lock")
        page.click("#poem .line[data-line='3'] .ch[data-pos='2']")
        page.wait_for_selector("#poem .desk-panel .suggestion")
        page.screenshot(path=str(shots[3]), full_page=True)
        page.click("#tab-rhyme")
        page.fill("input[name=q]", "东")
        page.click("#rhyme-button")
        page.wait_for_selector("#rhyme-result .book-group[data-group='一东']")
        page.screenshot(path=str(shots[4]))
        browser.close()
    return shots


def main() -> int:
    from tangshi.request import resolve_form

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", help="checkpoint directory (default: the shipped model)")
    p.add_argument("--title", default="秋夜", help="title to write on (default: 秋夜)")
    p.add_argument("--form", default="七言律诗", help="form to write (default: 七言律诗)")
    p.add_argument("--seed", type=int, default=7, help="seed of the poem (default: 7)")
    p.add_argument("--width", type=int, default=760, help="viewport width in CSS pixels (default: 760)")
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="output folder (default: docs/img)")
    args = p.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"screenshot: {CHROMIUM} is missing; apt-get install chromium", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with serve(args.model, "--workers", "1") as (url, _):
        shots = shoot(url, args.out, args.title, resolve_form(args.form).name, args.seed, args.width)
    for path in shots:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
