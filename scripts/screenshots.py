"""Take the screenshots of crm_extension/static/description/ from the demo.

Drives a headless Chromium through the DevTools protocol against an Odoo that
``scripts/run`` serves (its demo data, English and Chinese), logs in as each
shot's user, opens the screen, does what the shot needs (a tab, a refused
save) and saves a 1366x860 PNG. Not a test: nothing runs it but a person
retaking the screenshots after the screens changed.

    scripts/screenshots [--url http://localhost:8069] [--db crm_extension_demo]
                        [NAME ...]

With no NAME, every shot below is taken.
"""

import argparse
import base64
import itertools
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = REPO_ROOT / "crm_extension" / "static" / "description"
WIDTH, HEIGHT = 1366, 860

# Logins of the demo (scripts/run prints them).
USERS = {
    "admin": "admin",
    "demo": "demo",
    "wanglei": "wanglei",
    "zhaoxue": "zhaoxue",
}


def js_click(selector):
    return f"document.querySelector({json.dumps(selector)}).click()"


def js_type(selector, text):
    return (
        f"(() => {{ const input = document.querySelector({json.dumps(selector)});"
        f" input.value = {json.dumps(text)};"
        " input.dispatchEvent(new Event('input', {bubbles: true}));"
        " input.dispatchEvent(new Event('change', {bubbles: true})); })()"
    )


# name: (login, path (with {xmlid} placeholders), wait for, [(action, wait for)])
SHOTS = {
    "customers_kanban": (
        "admin",
        "/odoo/action-base.action_partner_form",
        ".o_kanban_record .badge",
        [],
    ),
    "partner_profile": (
        "admin",
        "/odoo/action-base.action_partner_form/{crm_extension.partner_huaxing_demo}",
        ".o_notebook .nav-link[name=customer_profile]",
        [
            (
                js_click(".o_notebook .nav-link[name=customer_profile]"),
                ".o_field_widget[name=customer_class_id]",
            )
        ],
    ),
    "customer_classes": (
        "admin",
        "/odoo/action-crm_extension.crm_customer_class_action",
        ".o_data_row",
        [],
    ),
    "buying_committee": (
        "admin",
        "/odoo/action-crm.crm_lead_action_pipeline/{crm_extension.lead_huaxing_erp_demo}",
        ".o_notebook .nav-link[name=buying_committee]",
        [
            (
                js_click(".o_notebook .nav-link[name=buying_committee]"),
                ".o_field_widget[name=contact_role_ids] .o_data_row",
            )
        ],
    ),
    "no_decision_maker_warning": (
        "demo",
        "/odoo/action-crm.crm_lead_action_pipeline/{crm_extension.lead_jinghua_checkout_demo}",
        ".alert-warning",
        [],
    ),
    "duplicate_blocked": (
        "demo",
        "/odoo/action-base.action_partner_form/new",
        ".o_field_widget[name=name] input",
        [
            (
                js_click(
                    ".o_field_widget[name=company_type] input[data-value=company]"
                ),
                ".o_field_widget[name=company_type] input[data-value=company]:checked",
            ),
            (
                js_type(".o_field_widget[name=name] input", "深圳华星科技股份有限公司"),
                ".o_crm_duplicate_warning",
            ),
            (js_click(".o_form_button_save"), ".modal .modal-footer"),
        ],
    ),
    "duplicate_exception_approved": (
        "admin",
        "/odoo/action-crm_extension.crm_duplicate_exception_action"
        "/{crm_extension.duplicate_exception_lejia_hk_demo}",
        ".o_statusbar_status",
        [],
    ),
    "duplicate_review": (
        "admin",
        "/odoo/action-crm_extension.crm_duplicate_group_action",
        ".o_list_renderer",
        [],
    ),
    "funnel_analysis": (
        "admin",
        "/odoo/action-crm_extension.crm_funnel_report_action",
        ".o_pivot, .o_graph_renderer",
        [],
    ),
    "stages_and_gates": (
        "admin",
        "/odoo/action-crm_extension.crm_stage_action_funnel",
        ".o_data_row",
        [],
    ),
    "complaint_sla": (
        "admin",
        "/odoo/action-crm_extension.crm_complaint_action"
        "/{crm_extension.complaint_yunqi_pairing_demo}",
        ".o_notebook .nav-link[name=service_level]",
        [
            (
                js_click(".o_notebook .nav-link[name=service_level]"),
                ".o_field_widget[name=sla_status]",
            )
        ],
    ),
    "complaint_analysis": (
        "admin",
        "/odoo/action-crm_extension.crm_complaint_analysis_action",
        ".o_pivot table",
        [],
    ),
    "customer_value": (
        "admin",
        "/odoo/action-crm_extension.crm_customer_value_action",
        ".o_data_row",
        [],
    ),
    # In Chinese, as the demo's Chinese-speaking colleagues read it.
    "partner_profile_zh_CN": (
        "wanglei",
        "/odoo/action-base.action_partner_form/{crm_extension.partner_youpin_demo}",
        ".o_notebook .nav-link[name=customer_profile]",
        [
            (
                js_click(".o_notebook .nav-link[name=customer_profile]"),
                ".o_field_widget[name=customer_class_id]",
            )
        ],
    ),
    "complaint_zh_CN": (
        "zhaoxue",
        "/odoo/action-crm_extension.crm_complaint_action"
        "/{crm_extension.complaint_liufang_installation_demo}",
        ".o_notebook .nav-link[name=knowledge]",
        [
            (
                js_click(".o_notebook .nav-link[name=knowledge]"),
                ".o_field_widget[name=standard_solution]",
            )
        ],
    ),
}


class Browser:
    """A headless Chromium and one page of it, through the DevTools protocol."""

    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="crm_extension_shots_")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.process = subprocess.Popen(
            [
                chromium,
                "--headless=new",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "--hide-scrollbars",
                "--no-sandbox",
                "--no-first-run",
                "--force-device-scale-factor=1",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(100):
            try:
                pages = requests.get(f"http://127.0.0.1:{port}/json", timeout=5).json()
                page = next(p for p in pages if p["type"] == "page")
                break
            except (requests.RequestException, StopIteration):
                time.sleep(0.2)
        else:
            raise SystemExit("Chromium did not start")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.ids = itertools.count(1)
        self.call("Page.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )

    def call(self, method, **params):
        message_id = next(self.ids)
        self.ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def evaluate(self, expression):
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    def wait_for(self, selector, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(
                f"!!document.querySelector({json.dumps(selector)})"
                " && !document.querySelector('.o_loading_indicator, .o_blockUI')"
            ):
                time.sleep(1.5)  # animations, lazy images, the chatter
                return
            time.sleep(0.3)
        raise RuntimeError(f"{selector} did not show")

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.profile, ignore_errors=True)


def session_id(url, db, login):
    response = requests.post(
        f"{url}/web/session/authenticate",
        json={"params": {"db": db, "login": login, "password": USERS[login]}},
        timeout=60,
    )
    response.raise_for_status()
    if response.json().get("error"):
        raise SystemExit(f"cannot log in as {login}: {response.json()['error']}")
    return response.cookies["session_id"]


def resolve(url, cookie, path):
    """The path with its {module.xmlid} placeholders as record ids."""
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        module, name = path[start + 1 : end].split(".")
        response = requests.post(
            f"{url}/web/dataset/call_kw/ir.model.data/search_read",
            json={
                "params": {
                    "model": "ir.model.data",
                    "method": "search_read",
                    "args": [[("module", "=", module), ("name", "=", name)]],
                    "kwargs": {"fields": ["res_id"]},
                }
            },
            cookies={"session_id": cookie},
            timeout=60,
        ).json()
        path = path[:start] + str(response["result"][0]["res_id"]) + path[end + 1 :]
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(prog="scripts/screenshots", description=__doc__)
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="crm_extension_demo")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(SHOTS))
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(SHOTS)
    if unknown:
        parser.error(f"unknown shots: {', '.join(sorted(unknown))}")
    url = args.url.rstrip("/")
    admin = session_id(url, args.db, "admin")
    browser = Browser(args.chromium)
    try:
        for name in args.names or SHOTS:
            login, path, ready, actions = SHOTS[name]
            browser.call("Network.enable")
            browser.call("Network.clearBrowserCookies")
            browser.call(
                "Network.setCookie",
                name="session_id",
                value=session_id(url, args.db, login),
                url=url,
            )
            browser.call("Page.navigate", url=url + resolve(url, admin, path))
            browser.wait_for(ready)
            for action, wait in actions:
                browser.evaluate(action)
                browser.wait_for(wait)
            browser.screenshot(OUT_DIR / f"{name}.png")
            print(f"{name}.png ({login})")
    finally:
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
