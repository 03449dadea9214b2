from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from regions.models import Region
from regions.roles import REGIONAL_EDITORS, REGIONAL_READERS


class Command(BaseCommand):
    help = "Gör en användare till regionredaktör (eller regionläsare) för en eller flera regioner."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("regions", nargs="+", metavar="region-slug")
        parser.add_argument(
            "--read-only", action="store_true", help="Regionläsare: får bara se, inte ändra."
        )

    def handle(self, username, regions, read_only, **options):
        found = {region.slug: region for region in Region.objects.filter(slug__in=regions)}
        missing = sorted(set(regions) - set(found))
        if missing:
            raise CommandError(f"Okända regioner: {', '.join(missing)}")
        user, created = get_user_model().objects.get_or_create(username=username)
        if created:
            user.set_unusable_password()
        user.is_staff = True
        user.save()
        role = REGIONAL_READERS if read_only else REGIONAL_EDITORS
        user.groups.remove(*Group.objects.filter(name__in=[REGIONAL_EDITORS, REGIONAL_READERS]))
        user.groups.add(Group.objects.get(name=role))
        for region in found.values():
            region.editors.add(user)
        title = "regionläsare" if read_only else "regionredaktör"
        self.stdout.write(f"{username} är nu {title} för {', '.join(sorted(found))}.")
        if created:
            self.stdout.write(f"Sätt ett lösenord: manage.py changepassword {username}")
