"""The built-in English vocabulary, written from the domain, not from any sample set.

Terms are lower case; they match at word boundaries, case-insensitively.  A
trailing ``*`` matches any word that starts with the term (``refund*``:
refund, refunds, refunded).  See :mod:`complaintflow.classify.lexicon` for
the spec syntax and :mod:`complaintflow.classify.lexicon_zh` for weights.
"""

from __future__ import annotations

__all__ = ["GROUPS"]

GROUPS: list[tuple[str, str]] = [
    # ---- kinds ---------------------------------------------------------------------
    (
        "complaint:3",
        """
        complaint | complaints | complain* | file a complaint | worst | unacceptable | terrible |
        horrible | awful | pathetic | disgusting | disgraceful | shameful | scam | scammed |
        rip off | ripoff | rip-off | ripped off | cheated | nightmare | i want my money back |
        money back | refund me | compensate me | demand a refund | dissatisfied | not satisfied |
        not happy | unhappy | very disappointed | so disappointed | not acceptable | useless |
        rubbish | garbage
    """,
    ),
    (
        "complaint:1",
        """
        still | yet to | why | how come | problem | problems | issue | issues | poor | bad |
        not good | demand | compensation | compensate | full refund | asap | as soon as possible |
        immediately | joke | waste of | wasted | not ok | not okay | no one | nobody | ignored |
        refuse* | not fair | unfair | mistake | supposed to | promised | lost
    """,
    ),
    (
        "suggestion:2",
        """
        suggest | suggests | suggested | suggestion | suggestions | recommend adding |
        would be nice | would be great | it'd be nice | it'd be great | would love |
        would be helpful | wish you | please add | please consider | consider adding |
        could you add | can you add | it would help | should add | should offer |
        should have an option | should allow | would appreciate it if | would be better |
        might want to | how about adding | why not add | it would be good
    """,
    ),
    ("suggestion:1", "idea | improve | improvement | hope you | hopefully | feedback | option to"),
    ("suggestion:3", "i wish | just a thought | friendly suggestion"),
    (
        "suggestion:4",
        """
        just a suggestion | just wish | only wish | i just wish | not a complaint |
        not complaining | small suggestion | minor suggestion | quick suggestion
    """,
    ),
    (
        "inquiry:2",
        """
        how do i | how can i | how to | how long | how much | is it possible | can i | may i |
        could you tell me | can you tell me | i'd like to know | i would like to know |
        wondering | i was wondering | quick question | question about | a question |
        please advise | inquiry | enquiry | what is the | what are the | do you offer |
        do you have | is there a way | is there any way | where can i | where do i | when will |
        what's the | does it | information about | info on | do i need | am i able |
        would it be possible
    """,
    ),
    (
        "inquiry:1",
        """
        how | what | when | where | which | does | do you | is there | are there | can you
    """,
    ),
    ("inquiry:0.5", "?"),
    (
        "praise:2",
        """
        thank you so much | huge thanks | many thanks | great job | well done | kudos |
        shout out | shoutout | compliment* | praise | excellent | outstanding | amazing |
        awesome | fantastic | wonderful | superb | brilliant | great service | great experience |
        great product | love it | love this | loved it | very happy | so happy |
        highly recommend | five stars | 5 stars | 5 star | impressed | exceeded |
        above and beyond | went above | good job | nice job | very satisfied | really appreciate |
        keep it up | lifesaver | life saver | best service
    """,
    ),
    ("praise:1.5", "happy with | satisfied | perfect | pleased | delighted"),
    (
        "praise:1",
        """
        recommend | best | great | love | nice | good service | good experience | appreciate
    """,
    ),
    ("praise:0.5", "thank you | thanks | thx | cheers"),
    ("praise:0", "best regards | kind regards | regards | best wishes"),
    (
        "complaint:1",
        """
        it's been | it has been | been waiting | for weeks | for days | for months | for a week |
        for over | for ages | days now | weeks now | third time | second time | how dare
    """,
    ),
    (
        "praise:2 product.design:1.5",
        """
        user friendly | user-friendly | easy to use | intuitive | well designed
    """,
    ),
    # ---- emotion (seed 002 §1) -----------------------------------------------------
    (
        "emotion:1 complaint:1",
        """
        frustrat* | disappoint* | upset | annoyed | annoying | angry | mad | fed up | sick of |
        tired of | stressed | stressful | fuming | worried sick | upsetting
    """,
    ),
    (
        "emotion:2 complaint:2",
        """
        furious | livid | outraged | outrageous | disgusted | infuriat* | so angry | very angry |
        pissed | absolutely unacceptable | beyond frustrated | sick and tired | had enough |
        never again | never buy | never shop | never order | losing a customer | lost a customer |
        appalled | appalling | ridiculous | insane | unbelievable | shocking
    """,
    ),
    (
        "minor",
        """
        minor | slight | slightly | a little | tiny | small issue | small problem | cosmetic |
        doesn't affect | does not affect | not a big deal | no big deal | barely noticeable
    """,
    ),
    (
        "negation",
        """
        not | no | never | isn't | isnt | wasn't | wasnt | aren't | weren't | don't | dont |
        doesn't | doesnt | didn't | didnt | haven't | hasn't | cannot | nothing | without | nor |
        neither | prevent | avoid | in case | worried about | what if | whether | if
    """,
    ),
    # ---- P1 ------------------------------------------------------------------------
    (
        "complaint:3 billing.payment:3 P1 tag=duplicate_charge",
        """
        charged twice | double charged | double-charged | double charge | duplicate charge* |
        duplicate payment | charged two times | charged 2 times | billed twice |
        charged me twice | paid twice | charged three times | two charges | 2 charges |
        multiple charges | charged me 2 times | took the money twice | deducted twice |
        debited twice
    """,
    ),
    (
        "complaint:3 P1 tag=data_leak",
        """
        data breach | data leak | leaked my | personal data leaked | personal information leaked |
        leaked | hacked | account was hacked | account hacked | compromised | identity theft |
        someone logged into | someone logged in | someone used my | phishing | privacy breach |
        privacy violation | exposed my | sold my data | sold my information | security breach
    """,
    ),
    (
        "complaint:3 billing.payment:2 P1 tag=fraud",
        """
        unauthorized charge* | unauthorised charge* | unauthorized transaction* |
        unauthorised transaction* | fraudulent | fraud | stolen card | card was stolen |
        didn't authorize | did not authorize | never authorized
    """,
    ),
    (
        "complaint:3 product.quality:1 P1 tag=outage",
        """
        outage | system down | site is down | website is down | app is down | service is down |
        server down | servers are down | down for hours | down for everyone |
        can't place an order | cannot place an order | can't place order |
        unable to place an order | unable to place order | can't checkout | can't check out |
        cannot checkout | unable to checkout | checkout is broken | checkout broken |
        nothing works | whole system | entire system | system crash* | site crashed |
        website crashed | total outage | service outage | network outage | nobody can |
        no one can order | cannot order | can't order
    """,
    ),
    (
        "complaint:3 product.quality:2 P1 tag=safety",
        """
        caught fire | on fire | fire hazard | exploded | explod* | smoke came | smoking | sparks |
        sparked | electric shock | shocked me | burned my | burnt my | burned me | injured |
        injury | hurt my | cut my | food poisoning | choking hazard | safety hazard | unsafe |
        dangerous | hospital
    """,
    ),
    (
        "complaint:1 P1 tag=mass_impact",
        """
        all users | many users | many customers | lots of customers | lots of users |
        hundreds of customers | thousands of customers | hundreds of users | thousands of users |
        widespread | affecting everyone | not the only one | not just me | everyone i know
    """,
    ),
    (
        "complaint:2 P1 tag=threat",
        """
        lawyer | attorney | sue | suing | lawsuit | legal action | take legal | small claims |
        court | regulator | ombudsman | consumer protection | better business bureau | bbb | ftc |
        attorney general | trading standards | report you to | reporting you to | the press |
        journalist | the media | the news | news outlet | local news | go public | going public |
        police
    """,
    ),
    (
        "complaint:1 public tag=public_risk",
        """
        twitter | tweet | retweet | instagram | facebook | tiktok | reddit | viral | go viral |
        everyone should know | warn others | warn everyone | warning to others | avoid this |
        stay away | do not buy | don't buy | dont buy | boycott | spread the word | share this |
        everyone | everybody | my followers | public
    """,
    ),
    ("complaint:1 P2", "urgent | urgently | emergency | critical | right now"),
    (
        "complaint:2 product.quality:1.5 P2",
        """
        can't log in | cannot log in | can't login | cannot login | unable to log in |
        locked out | can't access my account | cannot access my account | unable to access |
        no internet | internet is down | internet down | no signal | no service |
        lost connection | keeps disconnecting | keeps dropping
    """,
    ),
    (
        "complaint:2 billing.payment:2 P2",
        """
        account frozen | account is frozen | froze my account | card blocked
    """,
    ),
    ("complaint:2 product.quality:2 P2", "allergic reaction | rash"),
    # ---- product ------------------------------------------------------------------
    (
        "complaint:2 product.quality:2",
        """
        broken | broke | breaks | defective | defect | defects | faulty | fault | malfunction* |
        poor quality | bad quality | low quality | cheap quality | quality issue* |
        quality problem* | fell apart | falling apart | falls apart | cracked | crack | cracks |
        torn | ripped | leaking | leaks | rust | rusty | rusted | moldy | mouldy | mold |
        expired | spoiled | rotten | stinks | overheat* | freezes | freezing | frozen screen |
        crash | crashes | crashing | crashed | glitch* | bug | bugs | buggy | peeling | faded |
        fading | noisy | rattl* | battery drains | battery dies | poor battery | flimsy | shoddy |
        scratched | scratch | scratches | dent | stopped charging | not charging | won't charge |
        wont charge | damaged item | came apart | snapped | falls off | fell off | wobbly |
        stain | stained | dead pixel* | doesn't fit properly | poorly made | badly made |
        error message | error code | error
    """,
    ),
    (
        "complaint:2 product.quality:2 P2",
        """
        doesn't work | does not work | didn't work | not working | stopped working |
        stops working | won't turn on | will not turn on | wont turn on | doesn't turn on |
        won't start | won't open | can't open | black screen | unusable | completely broken |
        dead on arrival | doa | can't use | cannot use | unable to use | won't boot | dead
    """,
    ),
    (
        "complaint:2 product.quality:2",
        """
        buzzing | buzz | hissing | static noise | crackling | whining noise
    """,
    ),
    ("complaint:2 product.quality:2 P2", "keeps crashing | keeps freezing"),
    (
        "praise:1.5 product.mismatch:2",
        """
        as described | as advertised | as pictured | matches the description
    """,
    ),
    ("product.mismatch:1.5", "genuine | authentic | original"),
    ("complaint:1 service.competence:1.5", "incorrectly | wrongly | improperly"),
    ("complaint:2", "still waiting | still not | still hasn't | still haven't | still no"),
    (
        "complaint:2 logistics.timeliness:1",
        """
        haven't received | have not received | not received | never received | didn't receive |
        did not receive | never got | haven't got | still don't have
    """,
    ),
    ("suggestion:2", "maybe you could | you could also | it would save | would save"),
    ("suggestion:2 product.design:1", "feature request"),
    ("logistics.timeliness:1", "ship | ships"),
    (
        "logistics.courier:2",
        """
        delivery guy | delivery man | delivery person | deliveryman | delivery driver | mailman |
        postman
    """,
    ),
    (
        "complaint:2 product.quality:1 P1 tag=outage",
        """
        is down | are down | been down | was down | goes down | keeps going down | down again
    """,
    ),
    ("product.design:1", "page | pages | checkout page | website | site"),
    ("service.process:1", "replied | reply | respond | responded | response | answered"),
    ("billing.price:2", "fee | fees | service fee | booking fee | admin fee"),
    (
        "policy.refund_rules:2",
        """
        take back | take it back | took back | send it back | accept returns
    """,
    ),
    ("praise:2 service.competence:1.5", "sorting out | sorting it out"),
    ("product.quality:1", "quality | battery | screen | durable | durability"),
    (
        "complaint:2 product.design:2",
        """
        hard to use | difficult to use | confusing | not intuitive | counterintuitive |
        unintuitive | clunky | awkward | poorly designed | bad design | badly designed |
        design flaw | user unfriendly | not user friendly | too complicated | too complex |
        too heavy | too small | too many ads | annoying pop* | inconvenient | hard to find |
        hard to read | impossible to find | the new update | new update | after the update |
        since the update | redesign | uncomfortable
    """,
    ),
    (
        "product.design:1",
        """
        design | interface | ui | layout | feature | features | dark mode | option | options |
        setting* | menu | button | font | user experience | ux | app | version | widget |
        shortcut | filter
    """,
    ),
    (
        "complaint:2 product.mismatch:2",
        """
        not as described | not as advertised | not what i ordered | not what was advertised |
        different from the picture | different from the photo | different from the pictures |
        different from the photos | doesn't match the description |
        does not match the description | doesn't match the picture | doesn't match the photo |
        different from description | misleading | fake | counterfeit | knockoff | knock-off |
        not genuine | not authentic | wrong color | wrong colour | wrong size | wrong item |
        wrong model | wrong product | smaller than | looks nothing like |
        nothing like the picture | nothing like the photo | refurbished | used item |
        looks different | not the same as | sent the wrong | sent me the wrong |
        received the wrong | different color | different colour | false advertising
    """,
    ),
    (
        "product.mismatch:1",
        """
        advertised | description | listing | photo | photos | picture | pictures
    """,
    ),
    # ---- service ------------------------------------------------------------------
    (
        "complaint:2 service.attitude:2",
        """
        rude | very rude | so rude | impolite | unfriendly | disrespectful | arrogant |
        condescending | dismissive | yelled | shouted | swore at | hung up | hang up |
        hung up on me | bad attitude | sarcastic | mocked | laughed at | ignored me |
        ignoring me | didn't care | don't care | couldn't care less | impatient | patronizing |
        patronising | insulted | insulting | snapped at | attitude problem | treated me like |
        unprofessional | hostile | aggressive | threatened | cold attitude
    """,
    ),
    ("service.attitude:1.5", "attitude | manner | tone | behaviour | behavior"),
    (
        "praise:2 service.attitude:1.5",
        """
        friendly | very friendly | so friendly | polite | courteous | so kind | very kind |
        patient | very patient | so patient | helpful | very helpful | so helpful | caring |
        pleasant | lovely | attentive | respectful | cheerful
    """,
    ),
    (
        "complaint:2 service.competence:2",
        """
        incompetent | clueless | didn't know | did not know | no idea | wrong information |
        wrong info | incorrect information | misinformed | misinformation | gave me wrong |
        contradictory | contradict* | conflicting information | different answers |
        gave different | couldn't help | could not help | couldn't answer | unable to help |
        unable to answer | not trained | untrained | poorly trained | made a mistake | messed up |
        installed incorrectly | couldn't fix | could not fix | didn't fix | failed to fix |
        still not fixed | still broken | reading from a script | copy paste | copy-paste |
        canned response | wrong answer | no clue | didn't understand | did not understand |
        unhelpful
    """,
    ),
    (
        "service.competence:1",
        """
        technician | agent | representative | rep | bot | chatbot | robot | engineer
    """,
    ),
    (
        "praise:2 service.competence:1.5",
        """
        knowledgeable | knew exactly | solved my problem | resolved my issue | fixed my issue |
        fixed it | fixed the problem | sorted it out | sorted out | expert | professional |
        very professional | explained everything | explained clearly | resolved quickly |
        resolved it | solved it | on the first call
    """,
    ),
    (
        "complaint:2 service.process:2",
        """
        on hold | put on hold | waiting for hours | kept transferring | keep transferring |
        keeps transferring | transferred me | passed around | run around | runaround |
        no response | no reply | never replied | never responded | never called back |
        didn't call back | did not call back | nobody called | no follow up | no follow-up |
        no update | no updates | multiple times | several times | many times | again and again |
        over and over | repeatedly | red tape | bureaucra* | complicated process |
        too many steps | long process | can't cancel | cannot cancel | unable to cancel |
        impossible to cancel | took forever | takes forever | slow response | hours on the phone |
        waited for hours | nobody answers | no one answers | no one responded | nobody responded |
        chased | chasing | haven't heard back | have not heard back | never heard back |
        ticket closed | closed my ticket
    """,
    ),
    (
        "service.process:1",
        """
        process | procedure | ticket | case number | escalat* | callback | call back | follow up |
        follow-up | appointment | queue | response time | paperwork | form | cancel |
        cancellation | customer service | support | helpline | hotline | waiting
    """,
    ),
    (
        "praise:2 service.process:1.5",
        """
        quick response | fast response | responded quickly | easy process | hassle free |
        hassle-free | seamless | smooth | efficient | quickly resolved | prompt response |
        prompt reply | responded promptly | promptly resolved | quick reply | fast reply |
        responded within
    """,
    ),
    # ---- logistics ----------------------------------------------------------------
    (
        "complaint:2 logistics.timeliness:2",
        """
        late | late delivery | delayed | delay | delays | not arrived | hasn't arrived |
        has not arrived | never arrived | not yet shipped | hasn't shipped | has not shipped |
        not shipped | not been shipped | hasn't been shipped | where is my order |
        where is my package | where's my order | where's my package | tracking hasn't |
        tracking not updated | tracking hasn't updated | tracking has not | stuck in | stuck at |
        overdue | past the delivery date | slow shipping | slow delivery | took weeks |
        took a month | took too long | weeks ago | no tracking | still in transit | hasn't moved |
        not delivered | wasn't delivered | missed the delivery
    """,
    ),
    (
        "logistics.timeliness:1",
        """
        tracking | tracking number | shipping | shipment | shipped | delivery | eta | dispatch* |
        expected delivery | estimated delivery | arrive | arrival | transit
    """,
    ),
    ("logistics.timeliness:0.5", "deliver | delivered | delivering | arrived"),
    (
        "praise:2 logistics.timeliness:2",
        """
        fast shipping | quick delivery | fast delivery | arrived early | arrived quickly |
        arrived fast | arrived on time | on time | ahead of schedule | next day delivery |
        speedy delivery | super fast | very fast | quick shipping | came quickly |
        arrived the next day
    """,
    ),
    (
        "complaint:2 logistics.package:2",
        """
        damaged | damaged box | box was damaged | arrived damaged | crushed | smashed | dented |
        broken in transit | shattered | lost package | package lost | lost parcel | parcel lost |
        lost in transit | lost my package | lost my parcel | missing item* | missing part* |
        missing piece* | item missing | items missing | parts missing | empty box |
        empty package | incomplete | only received | package was opened | tampered |
        poorly packed | badly packed | poorly packaged | badly packaged | missing from |
        was missing | were missing | is missing | are missing | spilled | leaked all over |
        said delivered | marked as delivered | shows delivered
    """,
    ),
    ("logistics.package:1.5", "packaging | packing | packed"),
    ("logistics.package:0.5", "package | parcel | box"),
    (
        "praise:2 logistics.package:2",
        """
        well packed | well packaged | nicely packaged | packaged well | packed well |
        securely packed | arrived intact | arrived in perfect condition | perfect condition
    """,
    ),
    (
        "complaint:2 logistics.courier:2",
        """
        left at the door | left outside | left it outside | left in the rain | threw | thrown |
        tossed | didn't ring | did not ring | didn't knock | never knocked | no attempt |
        wrong address | delivered to the wrong | forged signature | signed for it |
        didn't even try | pick it up myself | left a note | refused to deliver | left it with
    """,
    ),
    ("logistics.courier:2", "courier | driver | couriers | drivers"),
    (
        "logistics.courier:1",
        """
        fedex | ups | dhl | usps | royal mail | neighbor | neighbour | pickup point
    """,
    ),
    # ---- billing ------------------------------------------------------------------
    (
        "complaint:2 billing.price:2",
        """
        overcharged | overcharging | overcharge | charged more | price increase | price hike |
        raised the price | raised their price* | too expensive | overpriced | price dropped |
        dropped the price | price drop | price went down | discount not applied |
        discount didn't apply | discount wasn't applied | discount was not applied | hidden fee* |
        hidden charge* | extra fee* | extra charge* | additional fee* | surcharge | wrong price |
        incorrect price | charged the full price | charged full price | price was different |
        higher price | higher than | more than the listed | more than advertised
    """,
    ),
    (
        "billing.price:1",
        """
        price | prices | pricing | cost | costs | expensive | price match | price protection |
        price difference | refund the difference | listed price | full price | rate | rates |
        plan | tariff | discount
    """,
    ),
    (
        "praise:1.5 billing.price:1.5",
        """
        great value | good value | reasonable price | affordable | great price
    """,
    ),
    (
        "complaint:2 billing.payment:2",
        """
        payment failed | payment declined | card declined | transaction failed | failed payment |
        payment error | payment issue | couldn't pay | can't pay | unable to pay | auto-renew* |
        auto renew* | automatically renewed | automatically charged | debited | deducted |
        money was taken | taken from my account | refund not received |
        haven't received my refund | haven't got my refund | still no refund |
        where is my refund | refund hasn't | refund has not | refund still |
        waiting for my refund | refund pending | never got my refund | didn't get my refund |
        still haven't been refunded | not been refunded | charged me | charged my card |
        still charging | still being charged | keep charging | kept charging | pending charge |
        money is gone | payment went through
    """,
    ),
    ("billing.payment:1.5", "charged | charge | charges | billed | transaction | transactions"),
    (
        "billing.payment:1",
        """
        billing | bill | subscription | renewal | credit card | debit card | bank account |
        paypal | apple pay | google pay | statement | top up | top-up | balance | wallet |
        withdraw* | payment | paid | pay | card | bank | installment | interest
    """,
    ),
    (
        "billing.invoice:3",
        """
        invoice | invoices | invoiced | receipt | receipts | vat | tax invoice | fapiao |
        vat number | tax id | tax number | company name on | billing address on
    """,
    ),
    # ---- policy -------------------------------------------------------------------
    (
        "policy.warranty:3",
        """
        warranty | under warranty | warranty claim | warranty period | out of warranty |
        extended warranty | manufacturer's warranty | void the warranty | voided the warranty |
        repair fee | charged for repair | charged for the repair | free repair | guarantee |
        guaranteed | warranty card | covered by warranty | not covered
    """,
    ),
    ("policy.warranty:1", "repair | repairs | repaired | fix it | replacement | replace it"),
    (
        "policy.refund_rules:3",
        """
        return policy | refund policy | returns policy | no refunds | no returns |
        non-refundable | nonrefundable | refused to refund | refused a refund |
        refused my refund | won't refund | will not refund | wouldn't refund | refused my return |
        won't accept the return | won't accept my return | return window | restocking fee |
        return shipping | final sale | store credit only | only store credit | opened items |
        30-day return | 14-day return | cooling-off | cooling off | refuse to refund |
        refuses to refund | not eligible for a refund | not eligible for return | can't return |
        cannot return | unable to return
    """,
    ),
    (
        "policy.refund_rules:1",
        """
        refund* | return | returns | returned | returning | exchange | store credit
    """,
    ),
    (
        "policy.campaign_terms:3",
        """
        coupon | coupons | voucher* | promo code | discount code | promo | promotion* |
        black friday | cyber monday | flash sale | loyalty points | reward points | points |
        rewards | cashback | cash back | bogo | buy one get one | free gift | gift with purchase |
        terms and conditions | fine print | minimum spend | referral | giveaway | lottery |
        sweepstakes | member benefits | membership benefits | loyalty program |
        loyalty programme | gift card | sign-up bonus | bonus
    """,
    ),
    (
        "policy.campaign_terms:1.5",
        """
        offer | deal | campaign | eligible | eligibility | trial | free trial | sale | code |
        deals | the deal | members only | membership
    """,
    ),
    # a lawyer named as a friend or a job is no legal threat
    ("praise:0", "lawyer friend | friend who is a lawyer | as a lawyer | i am a lawyer"),
    ("praise:0", "i'm a lawyer"),
]
