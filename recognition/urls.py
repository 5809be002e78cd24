from django.urls import path

from recognition.views import pages

urlpatterns = [
    path("recognition/", pages.activity, name="recognition-activity"),
    path("recognition/deployments/<int:deployment_id>/", pages.deployment_keys,
         name="recognition-deployment"),
    path("recognition/try/", pages.try_it, name="recognition-try"),
    path("recognition/confirmations/", pages.confirmations, name="recognition-confirmations"),
    path("me/recognition/", pages.my_events, name="recognition-my-events"),
]
