# escape=`
FROM alpine:3.19@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b

# Heredocs: a script, then a file; <<- strips leading tabs.
RUN <<EOF
apk add --no-cache curl=8.5.0-r0
echo done
EOF
COPY <<-CONF /etc/app.conf
	listen = 8080
	CONF
RUN echo one `
    && echo two
USER 1000
HEALTHCHECK NONE
CMD echo "hello"
