# Bukti: one binary with the SQLite driver (cgo) and every asset embedded.
#   docker build -t bukti .
#   docker run -p 8080:8080 -v bukti-data:/data -e BUKTI_ADMIN_PASSWORD=… bukti

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/bukti ./cmd/bukti

FROM debian:bookworm-slim
# poppler-utils (pdftoppm) and heif-thumbnailer make the thumbnails of PDFs
# and HEIC photos (pkg/thumbs); JPEG, PNG and WebP need nothing.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates poppler-utils heif-thumbnailer \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin bukti \
 && mkdir -p /data && chown bukti /data
COPY --from=build /out/bukti /usr/local/bin/bukti
USER bukti
WORKDIR /data
ENV BUKTI_ADDR=:8080 BUKTI_DATA_DIR=/data
EXPOSE 8080
VOLUME /data
ENTRYPOINT ["/usr/local/bin/bukti"]
CMD ["serve"]
