from django.contrib.auth import views as auth_views
from django.urls import path

from governance.views import auth, pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("about/", pages.home_public, name="home-public"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", auth.signup, name="signup"),
    path("enterprise/", pages.enterprise_home, name="enterprise-home"),
    path("regulator/", pages.regulator_home, name="regulator-home"),
    path("industry/", pages.industry_home, name="industry-home"),
    path("citizen/", pages.citizen_home, name="citizen-home"),
]
