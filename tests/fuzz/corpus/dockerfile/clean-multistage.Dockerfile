# syntax=docker/dockerfile:1.6
ARG GO_VERSION=1.21
FROM golang:${GO_VERSION}@sha256:2b6ea6c7a1da35f5a2e1e2aa6e06a9f2b36b1e7b4b9ee9f4d58b4e7d5a0e5a4c AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/root/.cache/go-build \
    go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/server ./cmd/server

FROM debian:12-slim@sha256:d3c4b6ad8a0a7f2c4e0aa2b5c0a1fb3e8d21b7f49b2b1e1f6b3b6a4c8f0e2d1a AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates=20230311 tzdata=2024a-0+deb12u1 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/server /usr/local/bin/server
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=30s CMD ["/usr/local/bin/server", "-healthcheck"]
ENTRYPOINT ["/usr/local/bin/server"]
