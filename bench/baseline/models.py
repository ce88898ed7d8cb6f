from django.db import models


class Submission(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "baseline"

    def __str__(self):
        return self.name


class Entry(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE)
    action = models.CharField(max_length=50)

    class Meta:
        app_label = "baseline"

    def __str__(self):
        return self.action
