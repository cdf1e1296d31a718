import type { Messages } from '../catalog';

// German. Formal address ("Sie"), as in most company software.
const messages = {
  'app.name': 'Guildhall',
  'app.skipToContent': 'Zum Inhalt springen',
  'app.pageTitle': '{page} – {instance}',

  'nav.label': 'Hauptnavigation',
  'nav.menu': 'Menü',
  'nav.home': 'Startseite',
  'nav.communities': 'Communitys',
  'nav.notifications': 'Benachrichtigungen',
  'nav.settings': 'Einstellungen',
  'nav.manage': 'Verwalten',
  'nav.admin': 'Administration',
  'nav.signedInAs': 'Angemeldet als {name}',
  'nav.signOut': 'Abmelden',

  'signIn.title': 'Anmelden',
  'signIn.intro': 'Melden Sie sich mit Ihrem Konto bei {instance} an.',
  'signIn.username': 'Benutzername',
  'signIn.password': 'Passwort',
  'signIn.submit': 'Anmelden',
  'signIn.submitting': 'Anmeldung läuft…',
  'signIn.failed': 'Benutzername oder Passwort ist falsch.',
  'signIn.missing': 'Bitte geben Sie Benutzername und Passwort ein.',

  'home.title': 'Startseite',
  'home.intro': 'Das Neueste aus Ihren Communitys und von Personen, denen Sie folgen.',
  'home.empty': 'Noch ist hier nichts. Treten Sie einer Community bei, um ihre Beiträge hier zu sehen.',
  'home.loadMore': 'Mehr laden',
  'home.loadingMore': 'Weitere werden geladen…',
  'home.refresh': 'Aktualisieren',
  'home.end': 'Sie haben das Ende erreicht.',

  'status.postedIn': 'in {community}',
  'status.edited': 'bearbeitet',
  'status.contentWarning': 'Inhaltswarnung: {text}',
  'status.replies.one': '{count} Antwort',
  'status.replies.other': '{count} Antworten',
  'status.favourites.one': '{count} Gefällt mir',
  'status.favourites.other': '{count} Gefällt mir',
  'status.attachments.one': '{count} Anhang',
  'status.attachments.other': '{count} Anhänge',

  'settings.title': 'Einstellungen',
  'settings.profile': 'Profil',
  'settings.displayName': 'Anzeigename',
  'settings.displayNameHelp': 'Wird neben Ihren Beiträgen angezeigt, auf jeder Instanz.',
  'settings.save': 'Speichern',
  'settings.saving': 'Wird gespeichert…',
  'settings.saved': 'Gespeichert.',
  'settings.language': 'Sprache',
  'settings.languageLabel': 'Sprache der App',
  'settings.languageHelp': 'Gilt für Menüs, Datums- und Zahlenangaben auf diesem Gerät.',
  'settings.languageAuto': 'Wie im Browser ({language})',
  'settings.more':
    'Profilbild, Beschreibung, Benachrichtigungen und Passwort folgen in einer späteren Version.',

  'state.loading': 'Wird geladen…',
  'state.retry': 'Erneut versuchen',
  'state.notYetTitle': 'Noch nicht verfügbar',
  'state.notYetBody':
    '{page} ist in dieser Version von Guildhall noch nicht enthalten. Die Seite ist in Arbeit.',

  'profile.title': 'Profil von {handle}',
  'notFound.title': 'Seite nicht gefunden',
  'notFound.body': 'Unter dieser Adresse gibt es keine Seite.',
  'notFound.home': 'Zur Startseite',

  'errors.network':
    'Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
  'errors.unauthorized': 'Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.',
  'errors.forbidden': 'Dazu sind Sie nicht berechtigt.',
  'errors.notFound': 'Das wurde nicht gefunden.',
  'errors.validation': 'Der Server hat die Eingabe nicht angenommen.',
  'errors.rateLimited': 'Zu viele Anfragen. Bitte warten Sie einen Moment und versuchen Sie es erneut.',
  'errors.server': 'Auf dem Server ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.',
  'errors.unavailable': 'Das ist auf diesem Server noch nicht verfügbar.',
  'errors.unknown': 'Etwas ist schiefgegangen.',
  'errors.detail': 'Meldung des Servers: {detail}',
} satisfies Messages;

export default { code: 'de', name: 'Deutsch', messages };
