"""The framework's own ceiling: a FastAPI POST that reads the same body and answers, doing nothing else."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()


@app.post("/api/v1/inventory")
async def noop(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse({"status": "applied", "bytes": len(body)})
