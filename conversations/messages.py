"""Every text a person reads, as message ids. Rendered at the edge from the locales/ catalogs.

English is the source language. Placeholders are named (`%(amount)s`) so that
`pybabel compile --statistics` and the catalog tests can check every translation keeps them;
counts go through plural forms. Keep the English within one GSM-7 segment (160 characters
with realistic values); translations are written with their own letters (an SMS drops the
accents GSM-7 lacks only where that saves a segment, see locales/README.md); keywords
in CAPITALS must be words `conversations.keywords` knows in that language.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    """A message id: the English text, and its plural form if it counts something."""

    msgid: str
    plural: str | None = None


def N_(msgid: str) -> Message:
    """Mark a text for translation."""
    return Message(msgid)


def NP_(singular: str, plural: str) -> Message:
    """Mark a counted text for translation; `count` picks the form."""
    return Message(singular, plural)


# -- Joining --------------------------------------------------------------------------------
# TRANSLATORS: the first text anyone gets; stays in English with each language's own name.
WELCOME = N_(
    "Benefits Fund: paid days off and insurance for domestic workers. "
    "Reply with a number: 1 English, 2 Español, 3 Portugues, 4 Kreyòl, 5 Tagalog"
)
# TRANSLATORS: follows LANGUAGE_SET in the same SMS: keep both together within 160 letters
# with %(contribution)s at "$100.00" (write your own letters; accents GSM-7 lacks are dropped).
TERMS = N_(
    "Households you work for add about %(contribution)s a visit to your own account, "
    "on top of your pay. %(day_off)s pays a day off. Reply YES to join."
)
ASK_NAME = N_("What is your first name? Households will see it in our texts.")
NAME_UNCLEAR = N_("Please send just your first name, in letters.")
# TRANSLATORS: a question instead of her name, while joining; ends by asking the name again.
NAME_WHAT_FUND = N_(
    "This is the Benefits Fund: households you work for pay into your own account for paid "
    "days off. What is your first name?"
)
# TRANSLATORS: a command (ADD, DONE...) instead of her name, while joining.
NAME_FIRST = N_("First, what is your first name? Then you can text ADD, DONE and the rest.")
# TRANSLATORS: she asked to change her name (NAME, "cambiar nombre") without giving it.
NAME_ASK_NEW = N_("What first name should households see? Send just the name.")
# TRANSLATORS: NAME is the command that changes it again.
NAME_CHANGED = N_("OK, your name is now %(name)s. Text NAME and a name to change it.")
JOINED = N_(
    "Welcome, %(name)s! Text ADD and a phone number to invite a household you work for. "
    "Text MENU to see everything."
)
NOT_JOINED = N_("No problem, you have not joined. Text us any time if you change your mind.")
TERMS_AGAIN = N_("Reply YES to join the fund, or NO if you do not want to.")

# -- Words that work anywhere ---------------------------------------------------------------
HELP = N_(
    "Benefits Fund help. Workers: BALANCE, HISTORY, DAY OFF friday, ADD phone, DONE, "
    "HOUSEHOLDS. Everyone: LANGUAGE, MENU, STOP to end texts."
)
MENU_WORKER = N_(
    "BALANCE: your money. HISTORY: last payments. DAY OFF + day: paid day off. "
    "ADD + phone: invite a household. DONE: after a visit. HOUSEHOLDS: your list."
)
MENU_HOUSEHOLD = N_(
    "When a worker visits, we text you to confirm her benefit. Reply YES, NO or an amount "
    "like 10. HELP for help, STOP to end texts."
)
LANGUAGE_MENU = N_("Reply with a number: 1 English, 2 Español, 3 Portugues, 4 Kreyòl, 5 Tagalog")
# TRANSLATORS: sent in the language just chosen, and to someone joining followed by TERMS in
# the same SMS: keep it this short.
LANGUAGE_SET = N_("OK, English it is.")
OPTED_OUT = N_(
    "You will get no more texts from the Benefits Fund. Your money stays yours. "
    "Text START to come back."
)
# TRANSLATORS: STOP from a household (an employer): nothing about money that stays theirs.
OPTED_OUT_HOUSEHOLD = N_(
    "You will get no more texts from the Benefits Fund, so we cannot ask you about visits. "
    "Text START to come back."
)
OPTED_IN = N_("Welcome back! You will get texts from the Benefits Fund again.")
NOT_UNDERSTOOD = N_("Sorry, I did not understand. Text MENU to see what you can do.")
# TRANSLATORS: she said YES (or NO) and no question was waiting for it.
NOTHING_OPEN_YES = N_("There is no question waiting for a YES. Text MENU to see what you can do.")
NOTHING_OPEN_NO = N_("There is no question waiting for a NO. Text MENU to see what you can do.")
ONLY_TEXT = N_("I can only read text messages. Text MENU to see what you can do.")
# TRANSLATORS: WhatsApp buttons under a question (at most 20 letters each); the question's
# text still says YES and NO, for phones that show no buttons.
BUTTON_YES = N_("Yes")
BUTTON_NO = N_("No")
# TRANSLATORS: a WhatsApp button under a visit to confirm (at most 20 letters): she then
# types the amount she wants to add instead of the one suggested
BUTTON_OTHER_AMOUNT = N_("Another amount")
# TRANSLATORS: the last choice under the insurance offer on WhatsApp (at most 24 letters)
BUTTON_NO_THANKS = N_("No, thanks")
# TRANSLATORS: the WhatsApp button that opens a list to choose from (at most 20 letters)
BUTTON_CHOOSE = N_("Choose")
# TRANSLATORS: she sent a photo (of a pay stub, a schedule...) with no words
MEDIA_PHOTO = N_(
    "Thank you for the photo! I can only read text. Please type what it says, "
    "or text MENU to see what you can do."
)
# TRANSLATORS: she sent a voice note with no words
MEDIA_VOICE = N_(
    "Thank you! I cannot listen to voice notes. Please type your message, "
    "or text MENU to see what you can do."
)
# TRANSLATORS: she sent a video, a document or a sticker with no words
MEDIA_FILE = N_(
    "Thank you! I cannot open files or videos. Please type your message, "
    "or text MENU to see what you can do."
)
EXPIRED = N_("Your last question timed out after a day, so nothing was changed.")
WORKERS_ONLY = N_("That is for workers in the fund. Text MENU to see what you can do.")
TRY_LATER = N_("Sorry, something went wrong on our side. Please try again in a few minutes.")
# TRANSLATORS: our system is slow right now; the message was kept and will be answered by text.
KEPT_FOR_LATER = N_("Got it. We will answer you shortly.")
# TRANSLATORS: the only answer to someone sending very many messages; later ones are ignored.
SLOW_DOWN = N_("You sent many messages at once. Please wait a while before texting again.")

# -- When she is not understood at once ----------------------------------------------------
# TRANSLATORS: a typo's likeliest meaning, confirmed; %(command)s is one of the words below.
GUESS = N_("Did you mean %(command)s? Reply YES or NO.")
# TRANSLATORS: the menu words a guess names, in capitals, as the texts teach them.
COMMAND_BALANCE = N_("BALANCE")
COMMAND_HISTORY = N_("HISTORY")
COMMAND_DAY_OFF = N_("DAY OFF")
COMMAND_HALF_DAY = N_("HALF DAY")
COMMAND_UNDO = N_("UNDO")
COMMAND_DONE = N_("DONE")
COMMAND_HELP = N_("HELP")
COMMAND_MENU = N_("MENU")
COMMAND_LANGUAGE = N_("LANGUAGE")
COMMAND_HOUSEHOLDS = N_("HOUSEHOLDS")
# TRANSLATORS: after two texts in a row we did not understand; she answers with a digit.
MENU_NUMBERED = N_(
    "Reply with a number: 1 BALANCE, 2 HISTORY, 3 DAY OFF, 4 DONE (a visit), 5 HOUSEHOLDS, 6 HELP"
)
# TRANSLATORS: the answer to "thanks" or "ok" when no question is open.
YOU_ARE_WELCOME = N_("Happy to help! Text MENU any time.")
HELP_HOUSEHOLD = N_(
    "Benefits Fund help. After a visit we ask you to confirm: reply YES, NO or an amount "
    "like 10. EVERY + day: a weekly question. STOP to end texts."
)
# TRANSLATORS: a household invited by a worker asks "what is this?" or "who is this?".
INVITATION_WHO = N_(
    "%(worker)s invited you to the Benefits Fund, for her paid days off. YES: you add about "
    "%(amount)s per visit, on top of her pay. NO: we stop asking."
)
# TRANSLATORS: follows the invitation; name the four other languages in capitals.
LANGUAGE_HINT = N_("Other languages: reply ESPAÑOL, PORTUGUES, KREYOL or TAGALOG.")

# -- Balance and history --------------------------------------------------------------------
BALANCE = N_("Your balance: %(balance)s, %(available)s available.")
DAYS_OFF = NP_("That pays %(count)d day off.", "That pays %(count)d days off.")
DAYS_OFF_AND_HALF = NP_(
    "That pays %(count)d day off and a half day.", "That pays %(count)d days off and a half day."
)
HALF_DAY_ONLY = N_("That pays a half day off.")
NO_DAY_OFF_YET = N_("A day off needs %(day_off)s, a half day %(half_day)s.")
PENDING_DAYS_OFF = NP_(
    "%(count)d day off waiting to be paid.", "%(count)d days off waiting to be paid."
)
INSURANCE_NONE = N_("No insurance yet.")
INSURANCE_COVER = N_("Insured: %(products)s.")
# TRANSLATORS: insurance products, listed after "Insured:".
LIFE_INSURANCE = N_("life")
DISABILITY_INSURANCE = N_("disability")
HISTORY_HEADER = N_("Last payments:")
HISTORY_EMPTY = N_("No payments yet. Text ADD and a phone number to invite a household.")
# TRANSLATORS: one line of history: date, signed amount, who paid or what it paid for.
HISTORY_LINE = N_("%(date)s %(amount)s %(who)s")
PAID_DAY_OFF = N_("day off")
INSURANCE = N_("insurance")
CORRECTION = N_("correction")

# -- Households -----------------------------------------------------------------------------
ADD_HOW = N_("Send ADD and the household's phone number, like: ADD 212 555 0123 Ana")
ADD_BAD_NUMBER = N_("That does not look like a phone number. Try: ADD 212 555 0123 Ana")
ADD_SELF = N_("That is your own number. Send the number of a household you work for.")
ADD_INVITED = N_("I invited %(household)s. I will tell you when they answer.")
ADD_ALREADY = N_("%(household)s is already on your list.")
ADD_NOT_WORKER = N_("%(household)s is a worker's number. Send a household's number.")
INVITATION = N_(
    "%(worker)s asks you to add about %(amount)s per visit to her benefits fund, "
    "on top of her pay. Reply YES to accept or NO."
)
INVITATION_ACCEPTED = N_("%(household)s accepted! After each visit, text DONE.")
INVITATION_DECLINED = N_("%(household)s declined your invitation.")
HOUSEHOLD_JOINED = N_(
    "Thank you! After each visit I will text you to confirm %(amount)s for %(worker)s."
)
HOUSEHOLD_SAID_NO = N_("OK. You will not be asked again.")
HOUSEHOLDS_LIST = N_("Your households: %(list)s. To remove one, text REMOVE and its number.")
HOUSEHOLDS_NONE = N_("No households yet. Text ADD and a phone number to invite one.")
REMOVE_WHICH = N_("Which one? Text REMOVE and the number from your list: %(list)s")
REMOVED = N_("%(household)s is off your list.")
# TRANSLATORS: follows REMOVED; ADD is the command that invites a household.
REMOVED_ADD_BACK = N_("To add it back, text ADD and its number.")
# TRANSLATORS: REMOVE and a number: asked before removing; YES and NO are the answers.
REMOVE_CONFIRM = N_("Remove %(household)s from your list? Reply YES or NO.")
# TRANSLATORS: the same question when the household has not paid for visits she did.
REMOVE_CONFIRM_OWES = N_(
    "Remove %(household)s from your list? It still has %(amount)s to pay for your visits "
    "and will still be asked. Reply YES or NO."
)
REMOVE_KEPT = N_("OK, %(household)s stays on your list.")

# -- Visits ---------------------------------------------------------------------------------
DONE_WHICH = N_("Which household? Reply with its number: %(list)s")
DONE_NO_HOUSEHOLDS = N_("No household has accepted yet. Text ADD and a phone number.")
DONE_REPORTED = N_("Thanks! I asked %(household)s to confirm %(amount)s for %(date)s.")
# TRANSLATORS: DONE when the household texted STOP: the fund cannot text it. START is Twilio's
# word to opt back in (keep it in English); then its YES confirms the visit.
DONE_HOUSEHOLD_STOPPED = N_(
    "%(household)s has stopped our texts, so I could not ask them about %(date)s. Ask them to "
    "text START, then YES, to this number."
)
DONE_ALREADY = N_("%(household)s was already asked about %(date)s.")
# TRANSLATORS: DONE for a day further back than visits may be reported (%(days)s is 14).
DONE_TOO_OLD = N_(
    "A visit can be reported up to %(days)s days back. %(date)s is too long ago to report."
)
# TRANSLATORS: DONE for a visit the household already confirmed (not paid yet).
DONE_ALREADY_CONFIRMED = N_("%(household)s already confirmed %(amount)s for %(date)s.")
# TRANSLATORS: DONE for a visit the household already confirmed and paid.
DONE_ALREADY_PAID = N_("%(household)s already confirmed and paid %(amount)s for %(date)s.")
VISIT_PROMPT = N_(
    "%(worker)s worked for you on %(date)s. Add %(amount)s to her benefits? "
    "Reply YES, NO or another amount."
)
# TRANSLATORS: the same, when the household has several open requests; %(number)s tells them apart.
VISIT_PROMPT_NUMBERED = N_(
    "#%(number)s: %(worker)s worked for you on %(date)s. Add %(amount)s to her benefits? "
    "Reply YES %(number)s, NO %(number)s or %(number)s and an amount."
)
PROMPTS_WHICH = N_("Which one? %(list)s. Reply YES or NO and the number, like YES 1.")
NOTHING_TO_CONFIRM = N_("You have nothing to confirm now. Thank you!")
CONTRIBUTION_THANKS = N_("Thank you! %(amount)s added to %(worker)s's benefits.")
# TRANSLATORS: "yes to all": the household confirmed %(count)d visits of one worker at once.
ALL_CONFIRMED = NP_(
    "Thank you! %(amount)s added to %(worker)s's benefits for %(count)d visit.",
    "Thank you! %(amount)s added to %(worker)s's benefits for %(count)d visits.",
)
VISIT_DECLINED = N_("OK, nothing added for %(date)s.")
# TRANSLATORS: the answer to "another amount" under a visit to confirm
AMOUNT_HOW = N_(
    "How much for %(worker)s on %(date)s? Reply with the amount in numbers, like 10 or 7.50."
)
AMOUNT_UNCLEAR = N_("Please reply YES, NO or an amount in numbers, like 10 or 7.50.")
AMOUNT_TOO_BIG = N_("The most per visit is %(max)s. Reply YES, NO or a smaller amount.")
RECEIPT = N_("%(household)s added %(amount)s. Your balance: %(balance)s.")
# TRANSLATORS: follows the receipt above: a public program (%(partner)s) matched part of it.
MATCHED = N_("%(partner)s added %(amount)s to match it.")
VISIT_DECLINED_NOTICE = N_("%(household)s did not add to your benefits for %(date)s.")
# TRANSLATORS: a household sets the day of the week it is asked about visits.
SCHEDULE_HOW = N_(
    "Text EVERY and the day she works for you, like EVERY tuesday. I will ask you each week."
)
SCHEDULE_SET = N_(
    "Every %(weekday)s I will ask you to confirm %(amount)s for %(worker)s. Text EVERY NO to stop."
)
SCHEDULE_OFF = N_("OK, no weekly question. I will ask you when she texts DONE.")

# -- Days off -------------------------------------------------------------------------------
DAY_OFF_HOW = N_("Which day? Text DAY OFF and the day, like DAY OFF friday or HALF DAY monday.")
DAY_OFF_PAST = N_("%(date)s has passed. Pick a day from today on.")
DAY_OFF_TOO_FAR = N_("Please pick a day in the next %(days)s days.")
DAY_OFF_CONFIRM = N_(
    "Day off %(date)s pays you %(amount)s. Left to spend after: %(after)s. Reply YES to book it "
    "or NO."
)
HALF_DAY_OFF_CONFIRM = N_(
    "Half day off %(date)s pays you %(amount)s. Left to spend after: %(after)s. "
    "Reply YES to book it or NO."
)
DAY_OFF_SHORT = N_("A day off needs %(amount)s and you have %(available)s available.")
HALF_DAY_SHORT = N_("A half day off needs %(amount)s and you have %(available)s available.")
# TRANSLATORS: follows DAY_OFF_SHORT when her money pays a half day; HALF DAY is the command.
HALF_DAY_FITS = N_("A half day (%(amount)s) fits: text HALF DAY and the day.")
DAY_OFF_BOOKED = N_(
    "Booked: %(date)s, %(amount)s. I will text you when it is paid. Text UNDO to call it back."
)
HALF_DAY_BOOKED = N_(
    "Booked: half day %(date)s, %(amount)s. I will text you when it is paid. "
    "Text UNDO to call it back."
)
DAY_OFF_ALREADY = N_("You already asked for %(date)s.")
DAY_OFF_NOT_BOOKED = N_("OK, no day off booked.")
HALF_DAY_NOT_BOOKED = N_("OK, no half day booked.")
UNDO_NOTHING = N_("You have no day off waiting to be paid.")
UNDO_WHICH = N_("Which one? Text UNDO and the number: %(list)s")
# TRANSLATORS: follows a day in the list UNDO shows: "2 Mon Nov 23 half day".
HALF_DAY_LABEL = N_("half day")
UNDONE = N_("Day off %(date)s called back. %(amount)s is available again.")
HALF_DAY_UNDONE = N_("Half day off %(date)s called back. %(amount)s is available again.")
# TRANSLATORS: a notice, sent when the fund pays a reserved day off.
DAY_OFF_PAID = N_("Your day off %(date)s is paid: %(amount)s. Your balance: %(balance)s.")
# TRANSLATORS: a notice, sent when the fund pays a reserved half day off.
HALF_DAY_PAID = N_("Your half day off %(date)s is paid: %(amount)s. Your balance: %(balance)s.")
# TRANSLATORS: a notice, sent when the payout of a day off has left the fund (it lands later).
DAY_OFF_SENT = N_(
    "The fund sent %(amount)s for your day off %(date)s. We will text you when it arrives."
)
# TRANSLATORS: a notice, sent when the payout of a half day off has left the fund.
HALF_DAY_SENT = N_(
    "The fund sent %(amount)s for your half day off %(date)s. We will text you when it arrives."
)
# TRANSLATORS: a notice to her new number, after staff moved her fund account to it.
NUMBER_MOVED = N_(
    "Your Benefits Fund account now uses this number. Payouts wait %(hours)s hours. "
    "Did not ask for this? Text HELP."
)
# TRANSLATORS: a notice to her old number, after staff moved her fund account away from it.
NUMBER_MOVED_AWAY = N_(
    "Your Benefits Fund account moved to a new number at your request. If you did not ask for "
    "this, call the fund now."
)
# TRANSLATORS: a notice, sent when the fund cannot pay a reserved day off.
DAY_OFF_VOIDED = N_(
    "The fund could not pay your day off %(date)s. %(amount)s is back in your balance. "
    "Text HELP if you have questions."
)
# TRANSLATORS: a notice, sent when the fund cannot pay a reserved half day off.
HALF_DAY_VOIDED = N_(
    "The fund could not pay your half day off %(date)s. %(amount)s is back in your balance. "
    "Text HELP if you have questions."
)
# TRANSLATORS: a notice; %(link)s is a short web link where she sets up her payout account
# (Stripe asks for her debit card or bank account and checks who she is).
PAYOUT_SETUP = N_(
    "Benefits Fund: to get your paid days off on your debit card or bank account, set it up "
    "here: %(link)s"
)
# TRANSLATORS: a notice, sent once when a day off is due and she has no payout account yet.
PAYOUT_WAITS_FOR_ACCOUNT = N_(
    "The fund has %(amount)s ready for your day off. To get it on your debit card or bank "
    "account, set it up here: %(link)s"
)
# TRANSLATORS: a notice: her payouts now go to another card or bank account (changed at the
# payout service); %(digits)s are its last four digits.
PAYOUT_ACCOUNT_CHANGED = N_(
    "Benefits Fund: your payouts now go to the card or bank account ending %(digits)s. "
    "Payouts wait %(hours)s hours. Did not ask for this? Text HELP."
)
# TRANSLATORS: a web page she sees after setting up her payout account at Stripe.
PAYOUT_SETUP_DONE = N_("Thank you. We will text you when your payout account is ready.")
# TRANSLATORS: a web page: she opened her payout setup link after her account was ready.
PAYOUT_SETUP_ALREADY = N_("Your payout account is already set up. Text HELP if something is wrong.")
# TRANSLATORS: a web page: the payout service did not answer; she can open the link again.
PAYOUT_SETUP_TRY_LATER = N_("Something went wrong. Please open the link again in a few minutes.")

# -- Monthly notices -----------------------------------------------------------------------
# TRANSLATORS: %(month)s is a month ("Dec 2026"); %(products)s lists "life, disability".
PREMIUM_PAID = N_(
    "Insurance for %(month)s: %(amount)s paid from your benefits. Insured: %(products)s."
)
INSURANCE_LAPSED = N_(
    "Your balance could not pay %(products)s insurance for %(month)s, so it is paused. "
    "It starts again when your balance covers it."
)
INSURANCE_LOW = N_(
    "Your balance has %(available)s; next month's insurance needs %(amount)s. "
    "Ask your households to add to your benefits."
)
MONTHLY_STATEMENT = N_(
    "%(month)s: %(added)s added, %(used)s used. Balance: %(balance)s, %(available)s available."
)

# -- Partners: gig platforms and public programs that pay in ---------------------------------
# TRANSLATORS: a notice to a worker that a platform or program (%(partner)s) signed up.
PARTNER_INVITATION = N_(
    "%(partner)s signed you up for the Benefits Fund: money for paid days off and insurance, "
    "in your own account. Reply YES to join."
)
# TRANSLATORS: a notice to a member: a platform or program asks to pay into her account.
PARTNER_CONSENT = N_(
    "%(partner)s wants to add to your benefits fund. Reply YES to accept or NO to refuse."
)
# TRANSLATORS: the reply to her YES: the platform or program now pays into her account.
PARTNER_LINKED = N_("%(partner)s will now add to your benefits fund.")
# TRANSLATORS: the reply to her NO: the platform or program is not linked to her account.
PARTNER_DECLINED = N_("OK. %(partner)s will not add to your benefits fund.")

# -- Insurance she chooses, product by product ---------------------------------------------
# TRANSLATORS: opens the offer; one line per product follows (INSURANCE_PRODUCT).
INSURANCE_OFFER = N_("Insurance, taken from your benefits on the 1st of each month:")
# TRANSLATORS: "1 life, $5.00/month: pays your family if you die"
INSURANCE_PRODUCT = N_("%(number)s %(product)s, %(price)s/month: %(covers)s")
LIFE_COVERS = N_("pays your family if you die")
DISABILITY_COVERS = N_("pays you if hurt and unable to work")
# TRANSLATORS: ends the offer; YES and DROP are menu words.
INSURANCE_OFFER_HOW = N_("YES + its number starts one. DROP + number stops it.")
# TRANSLATORS: %(product)s is "life" or "disability"; %(date)s the day the first premium is taken.
INSURANCE_STARTED = N_(
    "You chose %(product)s insurance: %(price)s a month, first taken on %(date)s. "
    "Text DROP %(number)s to stop it."
)
INSURANCE_ALREADY = N_("You already have %(product)s insurance. Text DROP %(number)s to stop it.")
INSURANCE_NO_OFFER = N_("There is no question open. Text INSURANCE to see or choose insurance.")
INSURANCE_WHICH = N_("Which one? Reply YES and its number: %(list)s")
INSURANCE_DECLINED = N_("OK, no insurance. Text INSURANCE any time to choose it.")
INSURANCE_STOPPED = N_("%(product)s insurance stopped. Nothing more will be taken for it.")
INSURANCE_NOTHING_TO_STOP = N_("You have no insurance to stop. Text INSURANCE to see it.")
INSURANCE_STOP_WHICH = N_("Which one? Text DROP and its number: %(list)s")
# TRANSLATORS: %(products)s lists "1 life, 2 disability"; %(date)s is the next 1st of a month.
INSURANCE_HELD = N_(
    "Your insurance: %(products)s. Next: %(amount)s on %(date)s. DROP and a number stops one."
)
# TRANSLATORS: follows INSURANCE_HELD, once per product she does not have.
INSURANCE_MORE = N_("YES %(number)s adds %(product)s, %(price)s a month.")
# TRANSLATORS: a notice late in the month, before the first premium of a product she chose.
PREMIUM_SOON = N_(
    "As you chose, %(amount)s for %(products)s insurance will be taken from your benefits "
    "on %(date)s. Text DROP to stop it."
)
# TRANSLATORS: a history line's "what", for a premium.
INSURANCE_PREMIUM = N_("insurance premium")

# -- A missed day, paid after the fact -------------------------------------------------------
# TRANSLATORS: SICK is the menu word for a day she missed ("SICK yesterday").
PAST_DAY_HOW = N_("Which day did you miss? Text SICK and the day, like SICK yesterday.")
PAST_DAY_TOO_OLD = N_(
    "A missed day can be claimed up to %(days)s days back. %(date)s is too long ago."
)
# TRANSLATORS: the day is in the past; she confirms a paid day off for it.
PAST_DAY_CONFIRM = N_(
    "Paid day off for %(date)s, a day you missed: %(amount)s. Left to spend after: %(after)s. "
    "Reply YES to claim it or NO."
)
# TRANSLATORS: the same for half a day she missed ("sick yesterday morning").
PAST_HALF_DAY_CONFIRM = N_(
    "Paid half day off for %(date)s, half a day you missed: %(amount)s. Left to spend after: "
    "%(after)s. Reply YES to claim it or NO."
)
PAST_DAY_ALREADY = N_("%(date)s is already claimed as a day off.")
# TRANSLATORS: a missed whole day claimed for a day a household confirmed she worked. HALF DAY
# is the keyword for half a day off, as in "Which day? Text DAY OFF and the day...".
PAST_DAY_WORKED = N_(
    "A household confirmed you worked on %(date)s, so it is not a missed day. "
    "Missed part of it? Text HALF DAY and the day."
)

# -- History, page by page ------------------------------------------------------------------
# TRANSLATORS: after a page of history; MORE is a menu word.
HISTORY_MORE = N_("MORE: older ones.")
HISTORY_NO_MORE = N_("No older payments. Text HISTORY to start again.")
# TRANSLATORS: a household's history: %(list)s is "Maria $25.00, Rosa $10.00".
HOUSEHOLD_GIVEN = N_("You added in %(year)s: %(list)s. Thank you!")
HOUSEHOLD_GIVEN_NONE = N_("You have added nothing yet in %(year)s.")
# TRANSLATORS: a notice in January, for a household's records.
HOUSEHOLD_YEARLY_TOTAL = N_(
    "For your records: in %(year)s you added %(amount)s to %(worker)s's benefits fund."
)
# TRANSLATORS: follows MONTHLY_STATEMENT when premiums were taken in the month.
STATEMENT_PREMIUMS = N_("Of that, %(amount)s paid the insurance you chose: %(products)s.")

# A numbered choice inside a list: "1 Ana", "2 Rosa (Dec 5)".
LIST_ITEM = N_("%(number)s %(label)s")

# -- Money in: households pay what they confirm (bot/payments) -------------------------------
# TRANSLATORS: to a household; %(link)s is a short web link where it saves a card or bank
# account. A fees sentence (PAYMENT_FEES_*) follows.
PAYMENT_SETUP = N_(
    "Benefits Fund: to pay the visits you confirm, save a card or bank account once, "
    "here: %(link)s Visits are charged together, not one by one."
)
PAYMENT_FEES_FUND = N_("The fund pays the payment fees.")
PAYMENT_FEES_HOUSEHOLD = N_("Payment fees are added to each charge; a bank account costs less.")
# TRANSLATORS: a receipt to a household for one charge of the visits it confirmed.
CHARGE_RECEIPT = N_("Benefits Fund: %(amount)s received for the visits you confirmed. Thank you!")
# TRANSLATORS: to a household; %(date)s is when the charge is tried again.
CHARGE_FAILED = N_(
    "Benefits Fund: we could not charge %(amount)s. We will try again on %(date)s. "
    "To use another card or account: %(link)s"
)
CHARGE_GAVE_UP = N_(
    "Benefits Fund: we could not charge %(amount)s after several tries. "
    "The fund will contact you. To pay now: %(link)s"
)
# TRANSLATORS: follows "Your balance: ..." when households confirmed money they have not paid.
BALANCE_UNCOLLECTED = N_("Not paid by households yet: %(amount)s.")
# TRANSLATORS: instead of the line above when households owe more than her whole balance: the
# fund let her spend %(advanced)s of what they owe before they paid it.
BALANCE_ADVANCED = N_(
    "Households still owe %(amount)s for your visits; the fund advanced you %(advanced)s of it."
)
# TRANSLATORS: to a worker: a household (%(household)s) has not paid what it confirmed.
PAYMENT_LATE = N_(
    "%(household)s has not paid %(amount)s yet. It stays in your balance, and what you "
    "already used stays yours. The fund is following up."
)

# -- The page a household sees back from Stripe's payment page (a web page, not a text) ------
# TRANSLATORS: the name of the fund, at the top of a small web page a household opens on its
# phone after saving (or not saving) a card or bank account.
PAY_PAGE_FUND = N_("Benefits Fund")
# TRANSLATORS: a web page's heading, after the household saved a card or bank account.
PAY_PAGE_SAVED = N_("Your card or bank account is saved.")
PAY_PAGE_SAVED_NEXT = N_(
    "Thank you! The visits you confirm are charged together, and you get a text receipt "
    "each time. You can close this page."
)
# TRANSLATORS: a web page's heading, after the household left the payment page without
# saving anything.
PAY_PAGE_NOT_SAVED = N_("Nothing was saved.")
PAY_PAGE_NOT_SAVED_NEXT = N_(
    "Your card or bank account was not saved and nothing was charged. To try again, tap the "
    "button below, or the link in our text, when you are ready."
)
# TRANSLATORS: a button on that web page: it opens the payment page again.
PAY_PAGE_TRY_AGAIN = N_("Try again")

# -- How she is paid: PAYMENT, a one-time code, a hold (bot/fund/payout_changes.py) ------------
# TRANSLATORS: the ways she may be paid, inside sentences ("You are paid by cash.").
PAYOUT_CASH = N_("cash")
PAYOUT_CHECK = N_("check")
PAYOUT_BANK = N_("bank transfer")
PAYOUT_CARD = N_("card")
PAYOUT_METHOD_IS = N_("You are paid by %(method)s.")
PAYOUT_METHOD_NOT_CHOSEN = N_("You have not chosen how you are paid yet.")
# TRANSLATORS: after PAYOUT_METHOD_IS: her payouts wait after a recent change, until that day.
PAYOUT_HELD = N_("Payouts wait until %(date)s after a recent change.")
# TRANSLATORS: %(list)s is "1 cash, 2 check, 3 bank transfer, 4 card"; NO is a menu word.
PAYOUT_METHOD_PICK = N_("To choose how you are paid, reply with a number: %(list)s, or NO.")
PAYOUT_METHOD_SAME = N_("You are already paid by %(method)s. Nothing changed.")
PAYOUT_METHOD_KEPT = N_("OK, nothing changed.")
# TRANSLATORS: the code comes in a text of its own (PAYOUT_CODE); NO is a menu word.
PAYOUT_CODE_SENT = N_(
    "We sent a 6-digit code to your number. Text it here within %(minutes)s minutes to "
    "switch to %(method)s, or NO to stop."
)
# TRANSLATORS: a text of its own carrying the one-time code; %(code)s is six digits.
PAYOUT_CODE = N_(
    "Benefits Fund code: %(code)s. Text it back within %(minutes)s minutes to change how "
    "you are paid. Never give it to anyone who asks."
)
PAYOUT_CODE_HOW = N_("Please text the 6-digit code we sent you, or NO to stop.")
PAYOUT_CODE_WRONG = NP_(
    "That code is not right. %(count)d try left.", "That code is not right. %(count)d tries left."
)
PAYOUT_CODE_LOCKED = N_(
    "Too many wrong codes: nothing changed, and changes are locked for a day. "
    "If this was not you, call the fund."
)
# TRANSLATORS: PAYMENT while changes are locked after too many wrong codes.
PAYOUT_LOCKED_NOW = N_("Changes are locked for a day after too many wrong codes.")
# TRANSLATORS: PAYMENT is the menu word for how she is paid.
PAYOUT_CODE_EXPIRED = N_("That code expired, so nothing changed. Text PAYMENT to start again.")
PAYOUT_CODE_NONE = N_("No change is waiting for a code. Text PAYMENT to see how you are paid.")
# TRANSLATORS: the reply to the right code, and a notice on each other channel she uses
# (SMS, WhatsApp); %(date)s is the day the hold ends.
PAYOUT_CHANGED = N_(
    "Benefits Fund: you will be paid by %(method)s. For your safety, payouts wait %(hours)s "
    "hours, until %(date)s. Not you? Text PAYMENT now to change it back."
)
