from django.contrib import admin

admin.site.site_header = "Readings administration"
admin.site.site_title = "Readings admin"
admin.site.index_title = "Institutions, courses, lists and citations"
