# nianbao in a container: build with the project's own setup script, run on Debian slim.
#   docker build -t nianbao:0.1.0 .     (tag each build with its version; deploy/ pins the tag)
#   docker run --rm -v /srv/reports:/data/reports:ro -v /srv/out:/data/out nianbao:0.1.0 \
#       convert /data/reports --out /data/out --log-format json --summary-json /data/out/summary.json
# The image runs as an unprivileged user (uid 10001); the output volume must be writable by it.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY scripts/setup.sh scripts/setup.sh
RUN bash scripts/setup.sh
COPY . .
RUN cargo build --release --locked && strip target/release/nianbao

FROM debian:bookworm-slim
# Runtime libraries only (tesseract + Chinese data for the OCR producer, when it is built in).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --create-home nianbao
COPY --from=build /src/target/release/nianbao /usr/local/bin/nianbao
ENV OMP_THREAD_LIMIT=1
USER 10001
ENTRYPOINT ["/usr/local/bin/nianbao"]
CMD ["--help"]
