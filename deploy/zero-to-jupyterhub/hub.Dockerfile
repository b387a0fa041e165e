# The hub image for deploy/zero-to-jupyterhub/values.yaml: the chart's own hub image with
# aftercare installed, so the hub can run the room service (python3 -m aftercare.classroom.room).
# Build from the repository's root, with the chart's version:
#   docker build -f deploy/zero-to-jupyterhub/hub.Dockerfile -t REGISTRY/aftercare-hub:TAG .
FROM quay.io/jupyterhub/k8s-hub:4.4.0
USER root
COPY --chown=jovyan:jovyan . /tmp/aftercare
# --no-deps keeps the hub's own JupyterHub and tornado; the room needs only what the quiz and
# its data need besides them.
RUN pip install --no-cache-dir --no-deps /tmp/aftercare \
 && pip install --no-cache-dir "pydantic>=2.6" "pyyaml>=6.0" \
 && rm -rf /tmp/aftercare
USER jovyan
