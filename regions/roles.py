"""Who may do what in the admin. A role is per region (RegionRole); the groups carry the
model permissions and follow the roles, and which regions they reach is decided here. The
groups are set after every migrate (apps.py), so fresh and test databases have them too."""

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from regions.models import RegionRole

ADMINISTRATORS = "Administratörer"
REGIONAL_EDITORS = "Regionredaktörer"
REGIONAL_READERS = "Regionläsare"

# The content of a region: an editor changes only their own region's.
REGIONAL_CONTENT = [
    "projects.project",
    "projects.goal",
    "projects.partnership",
    "projects.contact",
    "regions.actionplan",
    "regions.priority",
    "regions.regionfigure",
]
# Shared by every region: an editor reads them and may add a source or an organisation
# to cite or name, but changing one would change other regions' pages.
SHARED = [
    "regions.source",
    "regions.county",
    "projects.programme",
    "projects.theme",
    "projects.organisation",
    "projects.definition",
]
EDITOR_MAY_ADD = ["regions.source", "projects.organisation"]


def grants(models, actions):
    return [(model, action) for model in models for action in actions]


ROLES = {
    ADMINISTRATORS: None,  # every permission of the portal's apps
    REGIONAL_EDITORS: [
        *grants(REGIONAL_CONTENT, ["view", "add", "change", "delete"]),
        *grants(["regions.region"], ["view", "change"]),
        *grants(SHARED, ["view"]),
        *grants(EDITOR_MAY_ADD, ["add"]),
    ],
    REGIONAL_READERS: grants([*REGIONAL_CONTENT, "regions.region", *SHARED], ["view"]),
}


def ensure_roles(**kwargs):
    """Create or update the role groups with exactly their permissions. Safe to repeat."""
    # Administrators also manage accounts and lift login lockouts.
    portal = Permission.objects.filter(
        content_type__app_label__in=["regions", "projects", "auth", "axes"]
    )
    for name, granted in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        if granted is None:
            permissions = list(portal.exclude(content_type__model__startswith="historical"))
        else:
            permissions = [permission_for(*grant) for grant in granted]
        group.permissions.set(permissions)


def permission_for(model_label, action):
    app_label, model = model_label.split(".")
    return Permission.objects.get_by_natural_key(f"{action}_{model}", app_label, model)


def is_administrator(user):
    return user.is_superuser or user.groups.filter(name=ADMINISTRATORS).exists()


def viewable_region_ids(user):
    """The regions whose content (and drafts) the user may see; None: all of them."""
    return region_ids(user, [RegionRole.Role.EDITOR, RegionRole.Role.READER])


def editable_region_ids(user):
    """The regions whose content the user may change; None: all of them."""
    return region_ids(user, [RegionRole.Role.EDITOR])


def region_ids(user, roles):
    if not user.is_active or not user.is_staff:
        return []
    if is_administrator(user):
        return None
    return list(user.region_roles.filter(role__in=roles).values_list("region_id", flat=True))


@receiver([post_save, post_delete], sender=RegionRole)
def keep_groups_in_step_with_roles(instance, **kwargs):
    # Also when an administrator changes roles on a region's page, or a user is deleted.
    user = instance.user
    roles = set(user.region_roles.values_list("role", flat=True))
    if RegionRole.Role.EDITOR in roles:
        wanted = REGIONAL_EDITORS
    elif roles:
        wanted = REGIONAL_READERS
    else:
        wanted = None
    groups = Group.objects.filter(name__in=[REGIONAL_EDITORS, REGIONAL_READERS])
    user.groups.remove(*groups.exclude(name=wanted))
    if wanted:
        user.groups.add(groups.get(name=wanted))
