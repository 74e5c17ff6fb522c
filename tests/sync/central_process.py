"""Run a central service in a child process: `python central_process.py DB_URL [--die-after-push]`.

Prints `PORT <n>` once listening. With --die-after-push the process kills
itself (os._exit, no reply) right after the first push transaction commits:
the "server commits then dies before replying" fault.
"""

from __future__ import annotations

import asyncio
import os
import sys

import uvicorn

from sync.central.app import create_app


def main() -> None:
    db_url = sys.argv[1]
    die = "--die-after-push" in sys.argv

    def after_push_commit(_response: object) -> None:
        if die:
            os._exit(137)

    app = create_app(db_url, after_push_commit=after_push_commit)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))

    async def run() -> None:
        task = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        print(f"PORT {server.servers[0].sockets[0].getsockname()[1]}", flush=True)
        await task

    asyncio.run(run())


if __name__ == "__main__":
    main()
