from django import forms

from regions.models import Region


class CompareForm(forms.Form):
    region = forms.ModelMultipleChoiceField(
        label="Regioner att jämföra",
        queryset=Region.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Regionen ”%(value)s” finns inte.",
            "required": "Välj minst två regioner att jämföra.",
        },
    )

    def clean_region(self):
        regions = self.cleaned_data["region"]
        if len(regions) < 2:
            raise forms.ValidationError("Välj minst två regioner att jämföra.")
        return regions
