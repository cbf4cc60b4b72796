# syntax=docker/dockerfile:1
# One Dockerfile that breaks every rule of `hardrun check --dockerfile`.
FROM ubuntu
ARG GITHUB_TOKEN
ENV DB_PASSWORD=Sup3rS3cretValue42 \
    APP_PORT=8080
ADD https://example.com/tool.tar.gz /opt/
COPY id_rsa /root/.ssh/id_rsa
RUN apt-get update && \
    apt-get install -y curl gcc \
      ca-certificates
RUN pip install requests
USER root
CMD ["/usr/bin/app"]
