# syntax=docker/dockerfile:1
#
# The `bedrift` binary in a small image: built in a Rust image, run in a distroless one (glibc,
# CA certificates, a non-root user; no shell, no package manager). The service needs no
# PostgreSQL client libraries: sqlx speaks PostgreSQL's protocol (and TLS through rustls) itself.
# The image needs DATABASE_URL: it holds no PostgreSQL server to start a private one.
#
#   docker build -t bedrift .
#   docker run -e DATABASE_URL=postgres://... -p 8080:8080 bedrift
#
# See docs/operations.md, "Deployment".

# The toolchain the project is built and tested with (the locked dependencies need 1.89 or later).
ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-bookworm AS build
WORKDIR /src
COPY . .
# The caches keep downloaded crates and compiled dependencies between builds; the binary is
# copied out of the cached target folder, which does not end up in the image.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin bedrift \
    && cp target/release/bedrift /usr/local/bin/bedrift

# Debian 12, as the build image, so the binary finds the glibc it was linked against.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /usr/local/bin/bedrift /usr/local/bin/bedrift
# distroless's `nonroot` user (uid 65532); the service writes nothing to disk.
USER nonroot:nonroot
ENV BIND=0.0.0.0:8080 \
    LOG_FORMAT=json
EXPOSE 8080
# `bedrift healthcheck` asks /healthz on this container's BIND port (no curl in the image).
HEALTHCHECK --interval=10s --timeout=6s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/bedrift", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/bedrift"]
CMD ["serve"]
