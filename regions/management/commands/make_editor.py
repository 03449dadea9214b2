from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from regions.models import Region, RegionRole


class Command(BaseCommand):
    help = (
        "Gör en användare till regionredaktör (eller med --read-only regionläsare) för en eller "
        "flera regioner. Rollen gäller bara de regioner som anges; rollerna i andra regioner "
        "ändras inte."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("regions", nargs="+", metavar="region-slug")
        parser.add_argument(
            "--read-only", action="store_true", help="Regionläsare: får bara se, inte ändra."
        )

    def handle(self, username, regions, read_only, **options):
        # In the regions' Swedish order, for the message.
        found = {region.slug: region for region in Region.objects.filter(slug__in=regions)}
        missing = sorted(set(regions) - set(found))
        if missing:
            known = ", ".join(Region.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(
                f"Okänd region: {', '.join(missing)}. Ange regionens adressnamn, något av: {known}."
            )
        user, created = get_user_model().objects.get_or_create(username=username)
        if created:
            user.set_unusable_password()
        user.is_staff = True
        user.save()
        role = RegionRole.Role.READER if read_only else RegionRole.Role.EDITOR
        for region in found.values():
            RegionRole.objects.update_or_create(user=user, region=region, defaults={"role": role})
        title = "regionläsare" if read_only else "regionredaktör"
        names = ", ".join(region.short_name for region in found.values())
        self.stdout.write(f"{username} är nu {title} för {names}.")
        self.stdout.write(f"Roller för {username}: {describe_roles(user)}.")
        if created:
            self.stdout.write(f"Sätt ett lösenord: manage.py changepassword {username}")


def describe_roles(user):
    roles = user.region_roles.select_related("region")
    return "; ".join(f"{role.get_role_display()} i {role.region}" for role in roles)
