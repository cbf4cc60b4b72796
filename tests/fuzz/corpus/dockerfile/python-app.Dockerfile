FROM python:3.12-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY requirements.txt .
RUN pip install -r requirements.txt
RUN pip install --no-cache-dir gunicorn==21.2.0
COPY . .
EXPOSE 8000
CMD ["gunicorn", "app:app"]
