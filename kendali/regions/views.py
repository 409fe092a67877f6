from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def city_map(request):
    return render(request, "regions/map.html")
