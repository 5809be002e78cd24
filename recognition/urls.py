from django.urls import path

from recognition.views import desk, devices, evaluations, pages

urlpatterns = [
    path("recognition/", pages.activity, name="recognition-activity"),
    path("recognition/deployments/<int:deployment_id>/", pages.deployment_keys,
         name="recognition-deployment"),
    path("recognition/deployments/<int:deployment_id>/devices/", devices.deployment_devices,
         name="recognition-devices"),
    path("recognition/try/", pages.try_it, name="recognition-try"),
    path("recognition/desk/", desk.desk_enrol_page, name="desk-enrol"),
    path("recognition/confirmations/", pages.confirmations, name="recognition-confirmations"),
    path("recognition/evaluations/", evaluations.evaluation_list, name="evaluation-list"),
    path("recognition/evaluations/<int:evaluation_id>/", evaluations.evaluation_detail,
         name="evaluation-detail"),
    path("recognition/shards/", pages.gallery_shards, name="recognition-shards"),
    path("me/recognition/", pages.my_events, name="recognition-my-events"),
]
