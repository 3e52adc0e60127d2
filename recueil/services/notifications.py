"""E-mails to declarants. pyramid_mailer sends them only if the transaction commits."""
from pyramid_mailer import get_mailer
from pyramid_mailer.message import Message

SIGNATURE = (
    "\n\n--\nRecueil des pratiques inspirantes en prévention et protection de l'enfance\n"
    "France Enfance Protégée\n"
    "Ce message est envoyé automatiquement ; merci de ne pas y répondre."
)


def send(request, recipient: str, subject: str, body: str) -> None:
    """One plain-text e-mail to one person, sent once the transaction commits."""
    settings = request.registry.settings
    message = Message(
        subject=subject,
        sender=settings["mail.default_sender"],
        recipients=[recipient],
        body=body + SIGNATURE,
    )
    get_mailer(request).send(message)


def send_access_link(request, email: str, url: str, days: int) -> None:
    send(
        request, email, "Votre lien personnel pour déclarer une pratique inspirante",
        "Bonjour,\n\n"
        "Vous avez demandé à déclarer une pratique inspirante en prévention et protection de "
        "l'enfance. Voici votre lien personnel : il ouvre votre espace, où vous retrouvez vos "
        "brouillons et le suivi de vos pratiques.\n\n"
        f"{url}\n\n"
        f"Ce lien est valable {days} jours et n'est destiné qu'à vous : ne le transférez pas. "
        "Une fois expiré, vous pourrez en demander un nouveau sur la page "
        "« Déclarer une pratique ».\n\n"
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.",
    )


def send_receipt(request, practice, url: str) -> None:
    send(
        request, practice.declarant_courriel,
        f"Accusé de réception de votre pratique {practice.reference}",
        "Bonjour,\n\n"
        f"Nous avons bien reçu la pratique « {practice.intitule} » ({practice.nom_entite}), "
        f"enregistrée sous la référence {practice.reference}.\n\n"
        "Elle va être relue par l'équipe de modération de France Enfance Protégée, qui pourra "
        "vous demander des compléments, puis examinée par le comité de sélection. Vous serez "
        "informé(e) par courriel de chaque étape.\n\n"
        f"Pour suivre son avancement : {url}",
    )
