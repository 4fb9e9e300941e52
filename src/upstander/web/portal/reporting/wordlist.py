"""The words receipt codes are made of: Upstander's own list, not taken from a published one.

Short (3 to 8 letters), lowercase, common English: animals, plants, food, places, objects and friendly
adjectives. Left out on purpose: words with other spellings (grey/gray) or common sound-alikes (pear/pair),
plurals, and anything a reporter could read as a slur, innuendo, or a reminder of policing, surveillance,
violence or drugs (no "cuff", "camera", "fence", "bacon", "grass"), since the code is shown to people who may
be reporting a police officer.
"""

from __future__ import annotations

# One block of words, easier to read and review than 2,281 quoted lines.
_TEXT = """
aardvark abacus able acorn acrobat active actor admire adore agenda agile agree airliner airport airship airy album
alder alert alloy almanac almond alpaca alphabet amazing amber amble ample anchor ancient angle anorak ant anteater
antelope anthem anthill antler apex applaud applause apple apricot apron aquarium aquatic aqueduct arc arcade
archway arctic arena argon aria armchair aroma aromatic arrange arrive artist ascend ash aspen assemble aster astral
atlas atom attic aurora author autumn avenue avocado awaken award axis azure backpack backyard badger bagel bagpipe
bake baker bakery balance balcony ballad ballet balloon ballroom balmy balsa bamboo bandana banister banjo banner
banquet bantam bargain barge bark barley barn barnacle barnyard barrel basic basil basin bask basket bassoon bat
bathrobe bathtub bay beach beacon bead beam bean beanbag beanie beanpole bedrock bedtime bee beehive beeswax beetle
beetroot begonia bell belt beluga bench beret bicycle bike bilberry binder bingo biplane birch birdbath birdsong
birthday biscuit bison bistro black blanket blazer blend blender blimp blink blissful blizzard bloom blossom blouse
blue bluebell bluebird blush boat bobbin bobble bobcat bobsled bog bold bolt bonfire bonnet bonny bookcase bookend
bookmark bookshop bookworm boot bootlace borrow bottle bounce bouncy bowl bowling boxwood bracken brainy bramble
branch brass brave bravo bread breadbox bream breeze breezy brew brick bridge brie bright brisk bristle bronze brook
broom broth brown brownie brush bubble bubbly bucket buckle bud budgie buffalo bugle build builder bulb bulrush bun
bundle bungalow bunting burger burrito burrow bus bustle butler butter button buzzard cabbage cabin cabinet cable
cablecar cactus cafe cake calf calico calm cameo campsite canal candle candy canoe canopy canteen canter canvas
canyon cap capable cape car carafe caramel caravan carbon cardigan carefree cargo caribou caring carnival carol
carousel carp carpet carriage carrot carry cart carton cartoon carve cascade cashew cashmere castle casual catkin
causeway cave cavern cedar celery cellist cello ceramic chair chalet chalk champion channel chapter charcoal chard
chariot charm charming chatter chatty cheddar cheer cheerful cheery cheese chef chess chestnut chicken chickpea
chime chimney chipmunk chirp chirpy chisel chive chorus chowder chuckle chutney cicada cinder cinema circle circus
citrus city civic civil clam clamp clarinet classic clay clean clear clematis clever cliff cloak clock clog cloud
cloudy clove clover coach coast coastal coaster coat cobalt cobble cobbler cobweb cocoa cocoon cod coffee cogwheel
coin colander collage collect comb comet comfy comic compass compose concert conch condor cone confetti conker cook
cookbook cookie cool coral cordial corduroy corncob corner cornet cornmeal cosmic cosmos costume cot cottage cotton
couch count courage couscous cove cowbell cowboy cowslip cradle crane crater crayfish crayon cream creamy create
creative creek crescent cress cricket crimson crisp crockery crocus croft crossing crow crumble crunchy crystal cub
cube cuckoo cucumber cuddle cuddly cumin cup cupboard cupcake curious curlew curly curry curtain curve cushion
custard cutlery cyan cycle dabble daffodil dainty daisy damson dance dangle dapper dapple daring dart dash dashing
dawn daybreak daylight daytime dazzle dazzling decade decent deep delight delta den denim depot design desk devoted
dewdrop dewpond dewy dial diamond diary dice dig diligent dill dimple dine diner dingo dinner dip diploma disco
discover dish dive dizzy dock dodo dogwood doll dolphin domino donkey doodle door doorbell doormat doorstep doorway
dormouse dot dove dovecote dovetail downhill downy doze dragon drake draw drawer dream dreamer dreamy dress dresser
drift drill driveway drizzle drum dry duck duckling duckpond duet dumpling dune dusk dust dustbin dustpan dusty
duvet dynamic dynamo eager eagle early earnest earring earth earthy easel eastward echo eclipse eel egg eggcup
eggplant eggshell egret elated elder electric elegant elephant elf elk elm eloquent embark ember emblem emerald
emoji empty emu enamel encore endive engine engineer enjoy enormous envelope epic equator eraser estuary etching
evening explore fable fabled fabric fairway faithful falafel falcon fancy fanfare farm farmer farmland farmyard fast
fawn fearless feast feather fedora feeder feisty felt fen fennel fern ferret ferry ferryman festival festive feta
fetch fiddle field fiesta fig figurine finale finch firefly fireside firework firm fishbowl fishpond fizz flag
flagpole flame flamingo flannel flap flapjack flask flawless fleet flicker flint flip flipflop flit float flock
floor floral florist flourish flow flowing fluent fluffy flurry flute flutter fly foal foamy fog foghorn fold folder
folk folklore folktale fond fondue football foothill footpath footstep forage forecast forest fork fortune fossil
fountain fox foxglove foxtrot fragrant freckle freezer fresco fresh fridge friend friendly frilly fritter frolic
frost frosty frothy frugal fudge full funnel funny furrow futon gable gadget gala galaxy gale gallant galleon
gallery gallop gander gannet garage garden gardener gardenia garland garlic garnet gateway gather gaze gazebo
gazelle gear gecko gelato gem gemstone gentle geranium gerbil giant gift gifted giggle gingham giraffe glacier glad
glade glance glass glassy gleam gleaming gleeful glide glider glimmer glisten glitter globe glossy glove glow
glowing glowworm glue goal goalpost goat gobble goblet gold golden goldfish golf gondola gong goose gorge gorgeous
gorse gosling gown graceful gracious grain granary grand granite granola grape grateful gravel gravy graze green
greenery greet greeting griddle grin groovy grotto grouse grove grow guava guide guitar gull gumbo gumboot gumdrop
guppy gust haddock haiku hail halfway halibut hallway ham hamlet hammer hammock hamper hamster handbell handrail
handy hanger happy hardy harmony harp harpist harvest hat hatbox hatch hatstand haven hawk hawthorn hayfield hayloft
haystack haze hazel hazelnut hazy headband headland healthy hearth hearty heath heather hedge hedgehog hedgerow
heirloom helium helix helpful hen herbal heroic heron herring hibiscus hidden highland highway hike hill hillside
hilltop hilly hinge hippo hobby hockey holiday hollow holly home homework honest honey hoodie hook hop hope hopeful
horizon hornet horse hosepipe hotdog hotel hotpot house hover hum humble hungry hurry hut hutch ibex ibis ice
iceberg icebox icicle icing icon icy idea ideal igloo iguana imagine impala index indigo ink inkpot inkwell inlet
intact invent invite inviting iris iron ivory ivy jackal jackdaw jacket jade jaguar jam jamjar jar jasmine jasper
jaunty jay jazz jazzy jelly jersey jester jet jetty jewel jigsaw jingle jive join joke jolly journal journey joyful
jubilant jubilee jug juggle juice juicy jukebox jumble jump jumper jumpsuit junction jungle juniper kale kangaroo
kayak kazoo keen keepsake kelp kennel kestrel ketchup kettle keyboard keynote keyring keystone kiln kilt kind
kindling kindly kindred kingdom kiosk kipper kitchen kite kitten kiwi knitting koala krill lace lacewing ladder
ladle ladybird lagoon lake lakeside lamb lamp lamppost landfall landmark lantern lapel laptop lapwing larch larder
lark larkspur laser lasso latch latte lattice laugh laurel lavender lavish lawn leaf leafy leap leather ledger
legend lemon lemonade lemony lemur lentil leopard lesson letter lettuce lever library lifeboat light lilac lily
lilypad limber lime limerick limpet linden line linen linger linnet linseed lion lively lizard llama loaf loafer
lobster locket locust lodestar lodge loft logbook lollipop longboat loom loop lorry lotus loud lounge lovely lowland
loyal lucid lucky lullaby luminous lunar lunch lunchbox lupin lyrical macaroni macaw magenta magic magical magnet
magnolia magpie mahogany mailbag mailbox mainsail majestic mallard mallet mallow mammoth manatee mandarin mandolin
mango mangrove mansion mantis map maple maraca marathon marble margin marigold marimba marina marine marker market
marlin marmot maroon marrow marsh marvel marzipan mascot mattress maypole meadow measure medley meek meerkat mellow
melody memo mend merchant mermaid merry metal meteor midnight mighty mild milk mill millet millpond mimosa mindful
mingle minibus mink minnow minstrel mint minty mirror misty mitten mix mixer mocha modem modern modest moment
monorail month moon moonbeam moonlit moonrise moorhen mooring moorland mop moped morsel mosaic moss mossy moth motif
motor motorway mountain mouse movie mud muddy muffin mulberry munch mural murmur museum mushroom music musical
mustard myth nail nap napkin narrow narwhal natural nature nautical navy neat nebula necklace nectar neon nest
nestle nestling netball newt nibble nickel nifty nightjar nimble noble nocturne nod nomad noodle noon notebook
notepad notice novel nudge nugget nursery nurture nuthatch nutmeg nutshell oak oaken oasis oat oatcake oatmeal oboe
ocean oceanic ocelot octagon octave octopus okapi okra oleander olive onion open opera optimal orange orbit orca
orchard orchid orderly organic origami original oriole ornate oryx osprey ostrich otter ottoman outback outdoors
outpost oval oven overcoat overpass overture owl owlet oxygen oyster paddle paddock page pageant pagoda paint
paintbox painter palace palm palomino pan pancake pangolin panorama panpipe panther pantry papaya paper paprika
papyrus parade parakeet parasol parcel park parka parrot parsley parsnip party pasta pastel pastry pasture pasty
path pathway patient patio pattern pavement pavilion pavlova pea peaceful peach peachy peanut peapod pearl pearly
pebble pecan pedalo pelican pencil pendant pendulum penguin pennant pepper peppy perch perfect pesto petal petunia
pewter pianist piano piccolo pickle picnic pie piecrust pike pillar pillow pilot pinafore pine pinecone pink
pinnacle pinwheel pioneer pitcher pixel pizza placemat placid planet plankton plant plastic plate platform platinum
platypus play playful playtime plaza pleasant pleasing plenty plover plucky plug plum plumage plush pocket poem poet
poetry point poised polar polenta polite polka pollen pompom poncho pond ponder pontoon pony pool poolside popcorn
poplar poppy popular porch porridge portal portrait positive possum postage postbox postcard poster postman potato
potluck potter pottery pouch prairie praline prance prawn precise preen pretty pretzel prime primrose princely
printer prism pristine project prompt proper proud prune pudding puddle puffball puffin puffy pulley puma pumpkin
punt pup puppet puppy pure purple purr puzzle pyramid quail quaint quartet quartz quest quick quiet quill quilt
quilting quince quirky rabbit radiant radiator radio radish raffle raft rainbow raincoat raindrop rainfall rainy
raisin rake rally ramble rambler ramen ranch ranger rapid rare rational rattan rattle raven ravine ravioli ray ready
recipe recliner redwing redwood reef refined refrain regal reindeer relax relaxed relay reliable relish repair rest
rested restful rhino rhubarb ribbon rice rich rickshaw riddle ridge ringtone ripe ripple risotto river riverbed
roadside roam robin robot robust rock rocket rockpool rocky roof rooftop rook roomy rooster rosebud rosehip rosemary
rosette rosewood rosy round rowan rowboat royal ruby rucksack rudder rug rugby rugged ruler rumba rummage run runner
runway rural rust rustic rustle saddle saffron saga sage sailboat sailor salad salmon salsa salt samba samosa sand
sandal sandbank sandbox sandpit sandwich sandy sapling sardine satchel satin satsuma saucer sauna saunter sausage
savvy sawdust scallop scamper scarf scarlet scatter scenic scholar school science scone scooter screen scribble
scroll scurry seabird seafront seagrass seagull seahorse seal seaplane seashell seashore seaside season seaweed
sedge seed seedling seesaw sensible sequin serene settee settle shade shallot shamrock shanty shape share shark
sharp shawl shed sheep sheer sheet shelf shell shelter shimmer shine shining shiny shipyard shirt shoe shoebox shop
short shovel shower shrimp shrub shuffle shuttle shy sideline sieve signal signpost silent silk silkworm silky silly
silver simmer simple sincere sink sip sitar skate sketch ski skiff skillet skim skip skipping skirt skittle sky
skylark skylight skyline slate sled sledge sleek sleepy sleet sleeve slice slide slipper slipway sloop sloth slow
slumber smart smile smiling smock smooth smoothie snack snail snappy snapshot sneaker snooker snooze snow snowball
snowdrop snowfall snowman snowy snug snuggle soap soapbox sock socket soda sofa soft softball soil solar solid solo
solstice sonar sonata song songbird songbook sonic sonnet sorbet sorrel sort sound soup spaniel spanner spark
sparkle sparkler sparky sparrow spatula spectrum speedy sphere spice spicy spider spiffy spin spinach spindle
spinner spiral spire spirited splash splendid sponge spoon sporty spot spotless sprig spring sprinkle sprint
sprocket sprout spruce spry square squash squid squirrel stable stadium stag stairway stamp stanza stapler star
stardust starfish starling starry stately statue steady steamer stellar stem stencil stew still stir stirrup stoat
stone stork storm stormy stove stream streamer street stretch string stripe stroll strum student studio sturdy
stylish sublime subway sudoku sugar sugary suitcase sultana summer summery summit sunbeam sundial sundown sunfish
sunhat sunlit sunny sunrise sunroom sunset sunshine sunspot super superb supper supple surf sushi swamp swan sweater
sweetpea swift swim swimmer swimsuit swing swirl switch sycamore syllable syrup table tablet tabletop taco tadpole
tailor tailwind talented talisman tall tame tan tandem tangle tango tangy tapestry tapioca tapir tassel tasty tawny
taxi teabag teacake teacher teacup teal teapot teaspoon teatime teddy tempo tender tennis tent terrace terrier
terrific textbook thankful thatch thicket thimble thistle thread thrifty thriving thunder tiara tickle tidal
tidepool tidy tiger tiller timber timeless timely tin tinsel tint tiny tiptoe tiptop tireless toast toaster toasty
toboggan toddle toffee tofu token tomato toolbox topaz topiary topsoil torch tortilla toucan towel tower town
towpath toy tractor train trainer tram tranquil travel trawler tray treasure treat treble tree treetop trek trellis
triangle trickle tricycle trifle trilby trinket trio trivia trolley trombone trophy tropical trot trout trowel truck
true truffle trumpet trunk trusted trusty truthful tuba tugboat tulip tumble tumbler tuna tundra tune tuneful tunic
tunnel turbot turkey turnip turret turtle tutor tutu tuxedo tweed twig twilight twine twinkle twirl umbrella unfold
unicorn unicycle unique universe unwind upbeat upland upright upriver upstream urban urchin useful valiant valid
valley van vanilla vase vast velvet velvety venture verbena verdant verse viaduct vibrant villa village vine vinegar
vintage vinyl viola violet violin virtual visit visual vital vivid vocal volcano vole vowel voyage waddle wafer
waffle wagon wagtail waiter walk walkway wall wallaby wallet walnut walrus waltz wander wanderer warble warbler
wardrobe warm washtub wasp water waterway wave wavy wax waxwing weaver weaving weekday weekend welcome westward
wetland wetsuit wharf wheat wheel whelk whisk whisker whisper whistle white whittle wicker wide widget wiggle wild
wildlife willow windfall windmill window windsock windy wingspan winning winsome winter wintry wiry wisdom wise wish
wishbone wispy wisteria wistful witty wizard wobble wok wolf wombat wonder wondrous wooden woodland woodwind wool
word workshop world worthy wren wrench yak yam yarn yarrow yawn year yearbook yearling yellow yeti yodel yoga young
youthful yummy zany zebra zenith zeppelin zesty zigzag zinc zipline zipper zippy zither zoo zoom
"""
WORDS: tuple[str, ...] = tuple(_TEXT.split())
